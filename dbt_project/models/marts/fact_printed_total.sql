-- The totals each document prints beside the sum of the leaves the facts hold, so a reader sees which
-- printed totals the rows reproduce and which to distrust: the 合计 row of tables 2, 3, 5–8, 收入总计 and
-- 支出总计 of tables 1 and 4 (one per section), the 合计 column of table 9 ("三公"). A total printed in
-- a row-total column (合计, 小计, or the row's only column) is compared with every leaf of its table and
-- section; one printed in a part column (基本支出 …) with the leaves of that column.
-- Grain: document × table × section × printed total (row and column), selected documents only.
-- Default filter: none. Facts keep what was printed; a difference is the publisher's arithmetic (or a
-- leaf printing a wrong figure: see the facts' has_publisher_inconsistency).

with documents as (
    select * from {{ ref('int_documents') }}
    where is_selected
),

printed_rows as (
    select * from {{ ref('int_cells') }}
    where row_role = 'total'
),

-- a total row's total column, or its only column when it prints no 合计 (预算数)
printed_tables_1_to_8 as (
    select
        document_sha256,
        table_no,
        section,
        row_name as total_label,
        column_label,
        column_role = 'total' as is_row_total_column,
        amount_yuan,
        printed_value,
        printed_unit,
        page,
        line
    from printed_rows
    where column_role = 'total'
        or not exists (
            select 1
            from printed_rows as other
            where other.document_sha256 = printed_rows.document_sha256
                and other.table_no = printed_rows.table_no
                and other.cell_seq <> printed_rows.cell_seq
                and other.row_name = printed_rows.row_name
                and coalesce(other.section, '') = coalesce(printed_rows.section, '')
        )
),

printed_table_9 as (
    select
        cells.document_sha256,
        cells.table_no,
        cast(null as {{ dbt.type_string() }}) as section,
        '“三公”经费' as total_label,
        cells.column_label,
        true as is_row_total_column,
        cells.amount_yuan,
        cells.printed_value,
        cells.printed_unit,
        cells.page,
        cells.line
    from {{ ref('stg_cells') }} as cells
    inner join documents on documents.document_sha256 = cells.document_sha256
    where cells.table_no = 9 and cells.column_label = '合计'
),

printed as (
    select * from printed_tables_1_to_8
    union all
    select * from printed_table_9
),

leaves as (
    select document_sha256, table_no, cast(null as {{ dbt.type_string() }}) as section, column_label,
        amount_yuan, has_publisher_inconsistency
    from {{ ref('fact_expense') }}
    union all
    select document_sha256, table_no, null, column_label, amount_yuan, has_publisher_inconsistency
    from {{ ref('fact_income') }}
    union all
    select document_sha256, table_no, null, column_label, amount_yuan, has_publisher_inconsistency
    from {{ ref('fact_expense_economic') }}
    union all
    select document_sha256, table_no, section, column_label, amount_yuan, has_publisher_inconsistency
    from {{ ref('fact_budget_summary') }}
    union all
    select document_sha256, table_no, null, item_name, amount_yuan, has_publisher_inconsistency
    from {{ ref('fact_three_public') }}
    where item_category = 'three_public'
),

compared as (
    select
        printed.*,
        (
            select sum(leaves.amount_yuan)
            from leaves
            where leaves.document_sha256 = printed.document_sha256
                and leaves.table_no = printed.table_no
                and coalesce(leaves.section, '') = coalesce(printed.section, '')
                and (printed.is_row_total_column or leaves.column_label = printed.column_label)
        ) as leaf_sum_yuan,
        (
            select count(*)
            from leaves
            where leaves.document_sha256 = printed.document_sha256
                and leaves.table_no = printed.table_no
                and coalesce(leaves.section, '') = coalesce(printed.section, '')
                and (printed.is_row_total_column or leaves.column_label = printed.column_label)
        ) as leaf_count,
        (
            select count(*)
            from leaves
            where leaves.document_sha256 = printed.document_sha256
                and leaves.table_no = printed.table_no
                and coalesce(leaves.section, '') = coalesce(printed.section, '')
                and (printed.is_row_total_column or leaves.column_label = printed.column_label)
                and leaves.has_publisher_inconsistency
        ) as flagged_leaf_count
    from printed
),

final as (
    select
        -- ids
        {{ surrogate_key(['compared.document_sha256', 'compared.table_no', 'compared.section',
                          'compared.total_label', 'compared.column_label']) }} as printed_total_id,
        documents.department_key,
        documents.disclosure_key,
        documents.fiscal_year,
        documents.budget_kind,
        documents.counts_in_totals,
        -- the printed total
        compared.table_no,
        compared.section,
        compared.total_label,
        compared.column_label,
        -- amounts
        compared.amount_yuan as printed_total_yuan,
        compared.leaf_sum_yuan,
        compared.leaf_sum_yuan - compared.amount_yuan as difference_yuan,
        compared.leaf_count,
        compared.flagged_leaf_count,
        case
            when compared.leaf_count = 0 then 'no_leaves'
            when compared.leaf_sum_yuan = compared.amount_yuan then 'reproduced'
            else 'leaves_differ'
        end as total_status,
        -- provenance
        compared.printed_value,
        compared.printed_unit,
        compared.document_sha256,
        compared.page,
        compared.line
    from compared
    inner join documents on documents.document_sha256 = compared.document_sha256
)

select * from final
