-- The two summary tables, both sides: table 1 (财务收支预算总表, all funds) and table 4 (财政拨款收支预算总表,
-- fiscal appropriations only), income section (lines by source) and expense section (lines by 类).
-- Grain: document × table × section × line (its 类 code, or its printed name when it has no code) ×
-- printed column. Leaves only: 收入总计 / 支出总计, 财政拨款收入 over its funds, and row totals (合计) of
-- a split row are left out.
-- Default filter: one table and one section, e.g. table_no = 1 and section = 'income' (Σ = 收入总计);
-- tables 1 and 4 overlap, and income and expense are the same yuan seen from both sides.

with cells as (
    select * from {{ ref('int_cells') }}
    where table_no in (1, 4) and is_fact_cell
),

classified as (
    select
        *,
        coalesce(subject_code, row_name) as line_key,
        case
            when column_role = 'total' then 'total'
            when column_label like '%一般公共预算%' then 'general_public_budget'
            when column_label like '%政府性基金%' then 'government_fund'
            when column_label like '%国有资本%' then 'state_capital'
            when column_label like '%人员经费%' then 'personnel'
            when column_label like '%公用经费%' then 'public_use'
            when column_label like '%基本%' then 'basic'
            when column_label like '%项目%' then 'project'
            else 'amount'
        end as column_kind
    from cells
),

final as (
    select
        -- ids
        {{ surrogate_key(['document_sha256', 'table_no', 'section', 'line_key', 'column_label']) }}
            as summary_fact_id,
        department_key,
        disclosure_key,
        fiscal_year,
        -- kind of budget; false for a 单位预算 inside its department's 部门预算 (see int_documents)
        budget_kind,
        counts_in_totals,
        -- the line
        table_no,
        case table_no when 1 then 'all_funds' else 'fiscal_appropriation' end as table_scope,
        section,
        line_key,
        subject_code,
        row_name as line_name,
        -- the column
        column_kind,
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
        page,
        line,
        read_from,
        read_confidence
    from classified
)

select * from final
