-- Where a department's 部门预算 for a year is in the warehouse, the default view (counts_in_totals) of its
-- total expense is that budget's figure: no other document (its own 本级 单位预算, a second file of the same
-- budget) adds counted rows to the department-year. Lists the department-years where it does not.
{{ config(severity='error') }}

with department_budgets as (
    select department_key, fiscal_year, document_sha256
    from {{ ref('dim_document') }}
    where is_selected and budget_kind = 'department'
),

counted as (
    select department_key, fiscal_year, document_sha256, sum(amount_yuan) as amount_yuan
    from {{ ref('fact_expense') }}
    where fund_scope = 'all_funds' and counts_in_totals
    group by department_key, fiscal_year, document_sha256
),

department_figures as (
    select document_sha256, sum(amount_yuan) as amount_yuan
    from {{ ref('fact_expense') }}
    where fund_scope = 'all_funds'
    group by document_sha256
),

final as (
    select
        department_budgets.department_key,
        department_budgets.fiscal_year,
        department_budgets.document_sha256 as department_budget_sha256,
        department_figures.amount_yuan as department_budget_yuan,
        sum(counted.amount_yuan) as counted_yuan,
        count(distinct counted.document_sha256) as counted_document_count
    from department_budgets
    left join department_figures on department_figures.document_sha256 = department_budgets.document_sha256
    left join counted
        on counted.department_key = department_budgets.department_key
        and counted.fiscal_year = department_budgets.fiscal_year
    group by
        department_budgets.department_key,
        department_budgets.fiscal_year,
        department_budgets.document_sha256,
        department_figures.amount_yuan
    having count(distinct counted.document_sha256) > 1
        or coalesce(sum(counted.amount_yuan), 0) <> coalesce(department_figures.amount_yuan, 0)
)

select * from final
