-- General-public-budget basic expense by economic classification (部门预算经济分类), from table 8:
-- department × year × economic subject (leaf as printed: 30101 under 301) × cost type
-- (人员经费 personnel / 公用经费 public use). Leaves only; a leaf printing only 合计 is 'unsplit'.
-- Default filter: none — Σ amount_yuan per document = table 8's 合计 (= table 5's 基本支出).

with cells as (
    select * from {{ ref('int_cells') }}
    where table_no = 8 and is_fact_cell and subject_code is not null
),

typed as (
    select
        *,
        case
            when column_role = 'total' then 'unsplit'
            when column_label like '%人员%' then 'personnel'
            when column_label like '%公用%' then 'public_use'
            else 'other'
        end as cost_type
    from cells
),

final as (
    select
        -- ids
        {{ surrogate_key(['document_sha256', 'subject_code', 'column_label']) }} as economic_fact_id,
        department_key,
        disclosure_key,
        fiscal_year,
        subject_code as economic_subject_code,
        -- kind of budget; false for a 单位预算 inside its department's 部门预算 (see int_documents)
        budget_kind,
        counts_in_totals,
        -- classification of the figure
        cost_type,
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
