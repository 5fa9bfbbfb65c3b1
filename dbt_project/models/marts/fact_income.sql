-- Income (收入预算) by department × year × functional subject (leaf as printed) × income source, from
-- table 2 (收入预算总表). Leaves only; a leaf printing only its 合计 keeps it as source 'unsplit'.
-- Default filter: none — every row is a distinct yuan; Σ amount_yuan per document = table 2's 合计.

with cells as (
    select * from {{ ref('int_cells') }}
    where table_no = 2 and is_fact_cell and subject_code is not null
),

sourced as (
    select
        *,
        case
            when column_role = 'total' then 'unsplit'
            when column_label like '%财政拨款%' then 'fiscal_appropriation'
            when column_label like '%事业单位经营%' then 'business_operation'
            when column_label like '%事业收入%' then 'public_institution'
            when column_label like '%教育收费%' then 'education_fees'
            when column_label like '%单位资金%' then 'unit_funds'
            when column_label like '%结转%' or column_label like '%结余%' then 'carry_over'
            when column_label like '%其他%' then 'other'
            else 'other'
        end as income_source
    from cells
),

final as (
    select
        -- ids
        {{ surrogate_key(['document_sha256', 'subject_code', 'column_label']) }} as income_fact_id,
        department_key,
        disclosure_key,
        fiscal_year,
        subject_code,
        -- kind of budget; false for a 单位预算 inside its department's 部门预算 (see int_documents)
        budget_kind,
        counts_in_totals,
        -- classification of the figure
        income_source,
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
    from sourced
)

select * from final
