-- "三公" expenses and 机关运行经费 from table 9 (printed in 万元, stored in yuan).
-- Grain: document × item. Table 9 is one row whose columns nest: 合计 = 因公出国(境)费 + 公务接待费 +
-- 公务用车购置及运行费 小计, and 小计 = 购置费 + 运行费. Leaves only: a 小计 or 合计 is kept only when
-- none of its parts is printed. 机关运行经费 is a separate measure (item_category administrative_operation).
-- Default filter: item_category = 'three_public' and counts_in_totals (Σ = the printed 三公 合计, each
-- yuan once); 机关运行经费 overlaps it.

with selected as (
    select document_sha256, disclosure_key, department_key, fiscal_year, budget_kind, counts_in_totals
    from {{ ref('int_documents') }}
    where is_selected
),

cells as (
    select
        cells.*,
        selected.disclosure_key,
        selected.department_key,
        selected.fiscal_year,
        selected.budget_kind,
        selected.counts_in_totals,
        case
            when cells.column_label like '%机关运行经费%' then 'administrative_operation'
            when cells.column_label like '%出国%' then 'outbound_travel'
            when cells.column_label like '%接待%' then 'official_reception'
            when cells.column_label like '%购置%' then 'vehicle_purchase'
            when cells.column_label like '%运行%' then 'vehicle_operation'
            when cells.column_label like '%小计%' then 'vehicle_subtotal'
            when cells.column_label like '%合计%' then 'three_public_total'
            else 'other'
        end as item
    from {{ ref('stg_cells') }} as cells
    inner join selected on selected.document_sha256 = cells.document_sha256
    where cells.table_no = 9
),

printed_items as (
    select
        document_sha256,
        max(case when item in ('vehicle_purchase', 'vehicle_operation') then 1 else 0 end) as has_vehicle_parts,
        max(case when item in ('outbound_travel', 'official_reception', 'vehicle_purchase', 'vehicle_operation',
                               'vehicle_subtotal') then 1 else 0 end) as has_three_public_parts
    from cells
    group by document_sha256
),

leaves as (
    select
        cells.*,
        inconsistencies.cell_seq is not null as has_publisher_inconsistency,
        inconsistencies.inconsistency_check_ids,
        inconsistencies.inconsistency_check_names
    from cells
    inner join printed_items on printed_items.document_sha256 = cells.document_sha256
    left join {{ ref('int_cell_inconsistencies') }} as inconsistencies
        on inconsistencies.document_sha256 = cells.document_sha256
        and inconsistencies.cell_seq = cells.cell_seq
    where not (cells.item = 'vehicle_subtotal' and printed_items.has_vehicle_parts = 1)
        and not (cells.item = 'three_public_total' and printed_items.has_three_public_parts = 1)
),

final as (
    select
        -- ids
        {{ surrogate_key(['document_sha256', 'column_label']) }} as three_public_fact_id,
        department_key,
        disclosure_key,
        fiscal_year,
        -- kind of budget; false for a 单位预算 inside its department's 部门预算 (see int_documents)
        budget_kind,
        counts_in_totals,
        -- the item
        item,
        case item when 'administrative_operation' then 'administrative_operation' else 'three_public' end
            as item_category,
        column_label as item_name,
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
        page,
        line,
        read_from,
        read_confidence
    from leaves
)

select * from final
