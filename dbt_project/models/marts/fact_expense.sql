-- Expense (支出预算) by department × year × functional subject (leaf as printed) × fund scope × expense
-- type, from tables 3 (all funds), 5 (general public budget), 6 (government funds), 7 (state capital).
-- Leaves only (int_cells.is_fact_cell): subtotals are left to the dim_subject hierarchy.
-- Default filter: fund_scope = 'all_funds'; tables 5–7 are parts of table 3 and would count the same
-- yuan again.

with cells as (
    select * from {{ ref('int_cells') }}
    where table_no in (3, 5, 6, 7) and is_fact_cell and subject_code is not null
),

typed as (
    select
        *,
        case table_no
            when 3 then 'all_funds'
            when 5 then 'general_public_budget'
            when 6 then 'government_fund'
            when 7 then 'state_capital'
        end as fund_scope,
        case
            when column_role = 'total' then 'unsplit'
            when column_label like '%基本%' then 'basic'
            when column_label like '%项目%' then 'project'
            else 'other'
        end as expense_type
    from cells
),

final as (
    select
        -- ids
        {{ surrogate_key(['document_sha256', 'table_no', 'subject_code', 'column_label']) }} as expense_fact_id,
        department_key,
        disclosure_key,
        fiscal_year,
        subject_code,
        -- kind of budget; false for a 单位预算 inside its department's 部门预算 (see int_documents)
        budget_kind,
        counts_in_totals,
        -- classification of the figure
        fund_scope,
        expense_type,
        column_label,
        -- amounts
        amount_yuan,
        printed_value,
        printed_unit,
        -- the publisher's broken identities this figure takes part in (fact_check_result)
        has_publisher_inconsistency,
        inconsistency_check_ids,
        inconsistency_check_names,
        -- provenance
        document_sha256,
        table_no,
        row_name,
        page,
        line,
        read_from,
        read_confidence
    from typed
)

select * from final
