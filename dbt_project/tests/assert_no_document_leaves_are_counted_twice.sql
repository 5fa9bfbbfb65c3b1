-- Each yuan counts once by default (counts_in_totals): no counted fact row comes from a file not selected
-- for its disclosure, or from a 单位预算 whose department's 部门预算 for the same year is selected (its
-- figures are inside that budget); and a department-year has at most one counted 部门预算. Lists the
-- documents that break it, with the fact and the reason.
{{ config(severity='error') }}

with counted_rows as (
    select 'fact_expense' as fact, document_sha256 from {{ ref('fact_expense') }} where counts_in_totals
    union all
    select 'fact_income', document_sha256 from {{ ref('fact_income') }} where counts_in_totals
    union all
    select 'fact_expense_economic', document_sha256 from {{ ref('fact_expense_economic') }} where counts_in_totals
    union all
    select 'fact_budget_summary', document_sha256 from {{ ref('fact_budget_summary') }} where counts_in_totals
    union all
    select 'fact_three_public', document_sha256 from {{ ref('fact_three_public') }} where counts_in_totals
    union all
    select 'fact_project', document_sha256 from {{ ref('fact_project') }} where counts_in_totals
),

counted_documents as (
    select distinct counted_rows.fact, documents.*
    from counted_rows
    inner join {{ ref('dim_document') }} as documents on documents.document_sha256 = counted_rows.document_sha256
),

department_budgets as (
    select department_key, fiscal_year, count(*) as budget_count
    from {{ ref('dim_document') }}
    where is_selected and budget_kind = 'department'
    group by department_key, fiscal_year
),

final as (
    select fact, document_sha256, 'not selected for its disclosure' as reason
    from counted_documents
    where not is_selected
    union all
    select counted_documents.fact, counted_documents.document_sha256, 'unit inside a selected 部门预算'
    from counted_documents
    inner join department_budgets
        on department_budgets.department_key = counted_documents.home_department_key
        and department_budgets.fiscal_year = counted_documents.fiscal_year
    where counted_documents.budget_kind = 'unit'
    union all
    select counted_documents.fact, counted_documents.document_sha256, 'a second counted 部门预算 of the year'
    from counted_documents
    inner join department_budgets
        on department_budgets.department_key = counted_documents.department_key
        and department_budgets.fiscal_year = counted_documents.fiscal_year
    where counted_documents.budget_kind = 'department' and department_budgets.budget_count > 1
)

select * from final
