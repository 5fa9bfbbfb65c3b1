-- The printed cells of the row-structured tables (1–8) of the selected file of each disclosure, each
-- with its department, year and its place in the printed hierarchy:
--   row_role     total (合计/总计 rows), parent (a row with a printed descendant in the same table and
--                section: a 类 over its 款, a 款 over its 项, 财政拨款收入 over its funds), leaf (the rest);
--   column_role  total (合计/小计: a row total) or part (a column that adds up to it, or the only one);
--   is_fact_cell the cells the facts are made of: the parts of every leaf row, or its total when the
--                row prints no part (a leaf printing only 合计). Each printed yuan is then counted once.
-- and the document's budget kind and counting rule (int_documents), and the failed identities the cell
-- takes part in (int_cell_inconsistencies), which every fact carries.
-- Table 9 (one row, a hierarchy of columns) is read directly by fact_three_public.

-- A table, not a view: six marts and a dozen tests read it, and each would compute it again.
{{ config(materialized='table') }}

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
        selected.counts_in_totals
    from {{ ref('stg_cells') }} as cells
    inner join selected on selected.document_sha256 = cells.document_sha256
    where cells.table_no between 1 and 8
),

-- the rows as printed: one per document × table × section × code (or name, when no code is printed)
printed_rows as (
    select distinct
        document_sha256,
        table_no,
        coalesce(section, '') as section_key,
        subject_code,
        row_name
    from cells
),

row_roles as (
    select
        parent.document_sha256,
        parent.table_no,
        parent.section_key,
        parent.subject_code,
        parent.row_name,
        case
            when parent.subject_code is null
                and (parent.row_name like '%合计%' or parent.row_name like '%总计%') then 'total'
            when parent.subject_code is not null and exists (
                select 1
                from printed_rows as child
                where child.document_sha256 = parent.document_sha256
                    and child.table_no = parent.table_no
                    and child.section_key = parent.section_key
                    and length(child.subject_code) > length(parent.subject_code)
                    and substring(child.subject_code, 1, length(parent.subject_code)) = parent.subject_code
            ) then 'parent'
            -- 一、财政拨款收入 heads its funds (1. 一般公共预算资金, 2. 政府性基金, 3. 国有资本经营预算)
            when parent.subject_code is null
                and parent.row_name = '{{ var("fiscal_appropriation_line") }}'
                and exists (
                    select 1
                    from printed_rows as child
                    where child.document_sha256 = parent.document_sha256
                        and child.table_no = parent.table_no
                        and child.section_key = parent.section_key
                        and child.subject_code is null
                        and child.row_name in (
                            {%- for name in var("fiscal_fund_lines") %}'{{ name }}'{{ ", " if not loop.last }}{% endfor -%}
                        )
                ) then 'parent'
            else 'leaf'
        end as row_role
    from printed_rows as parent
),

columned as (
    select
        cells.*,
        coalesce(cells.section, '') as section_key,
        case
            when cells.column_label like '%合计%' or cells.column_label like '%小计%' then 'total'
            else 'part'
        end as column_role
    from cells
),

-- rows that print at least one part column (their total is then a row sum, not a fact)
split_rows as (
    select distinct document_sha256, table_no, section_key, subject_code, row_name
    from columned
    where column_role = 'part'
),

final as (
    select
        -- ids
        columned.document_sha256,
        columned.cell_seq,
        columned.disclosure_key,
        columned.department_key,
        columned.fiscal_year,
        -- the kind of budget and whether it counts in totals (int_documents)
        columned.budget_kind,
        columned.counts_in_totals,
        -- where the cell is printed
        columned.table_no,
        columned.section,
        columned.subject_code,
        columned.row_name,
        columned.column_label,
        -- its place in the printed hierarchy
        row_roles.row_role,
        columned.column_role,
        row_roles.row_role = 'leaf'
            and (columned.column_role = 'part' or split_rows.document_sha256 is null) as is_fact_cell,
        -- amounts
        columned.amount_yuan,
        columned.printed_value,
        columned.printed_unit,
        -- provenance
        columned.page,
        columned.line,
        columned.read_from,
        columned.read_confidence,
        -- the publisher's broken identities this cell takes part in
        inconsistencies.cell_seq is not null as has_publisher_inconsistency,
        inconsistencies.inconsistency_check_ids,
        inconsistencies.inconsistency_check_names
    from columned
    inner join row_roles
        on row_roles.document_sha256 = columned.document_sha256
        and row_roles.table_no = columned.table_no
        and row_roles.section_key = columned.section_key
        and coalesce(row_roles.row_name, '') = coalesce(columned.row_name, '')
        and coalesce(row_roles.subject_code, '') = coalesce(columned.subject_code, '')
    left join split_rows
        on split_rows.document_sha256 = columned.document_sha256
        and split_rows.table_no = columned.table_no
        and split_rows.section_key = columned.section_key
        and coalesce(split_rows.row_name, '') = coalesce(columned.row_name, '')
        and coalesce(split_rows.subject_code, '') = coalesce(columned.subject_code, '')
    left join {{ ref('int_cell_inconsistencies') }} as inconsistencies
        on inconsistencies.document_sha256 = columned.document_sha256
        and inconsistencies.cell_seq = columned.cell_seq
)

select * from final
