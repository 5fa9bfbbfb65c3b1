-- The printed cells of the selected documents that take part in an identity the publisher broke (a
-- `fail` of fact_check_result), each with the checks it takes part in. A cell takes part in a failed
-- check of its document when
--   table   it is in the check's table, or in the table the check compares it with (a check named
--           table<a>_equals_table<b> compares a row of table a with the same row of table b);
--   row     it is the checked row or a row under it (a code beginning with the checked code); every row
--           for a 合计 / 总计 row, the rows of its section for 收入总计 / 支出总计; a row without a code by
--           its printed name; table 9 is one row (its 三公 columns; 机关运行经费 is in no identity);
--   column  the checked column; every column when the checked column is a row total (合计 / 小计), and
--           on the compared table's side.
-- A narrative figure (subject income_total, subject:…) names no row of a table and flags no cell.
-- Grain: one row per printed cell (document × cell_seq) in at least one failed check.
-- Check ids come from fact_check_result itself, so they join back to it.

with cells as (
    select cells.*
    from {{ ref('stg_cells') }} as cells
    inner join {{ ref('int_documents') }} as documents
        on documents.document_sha256 = cells.document_sha256 and documents.is_selected
),

failed as (
    select check_result_id, document_sha256, check_name, table_no, subject, column_label
    from {{ ref('fact_check_result') }}
    where outcome = 'fail' and table_no is not null
),

sides as (
    select failed.*, false as is_compared_table
    from failed
    union all
    select
        check_result_id,
        document_sha256,
        check_name,
        cast(regexp_extract(check_name, 'table[0-9]+_equals_table([0-9]+)', 1) as integer) as table_no,
        subject,
        column_label,
        true as is_compared_table
    from failed
    where regexp_extract(check_name, 'table[0-9]+_equals_table([0-9]+)', 1) <> ''
),

touching as (
    select distinct
        cells.document_sha256,
        cells.cell_seq,
        sides.check_result_id,
        sides.check_name
    from cells
    inner join sides
        on sides.document_sha256 = cells.document_sha256
        and sides.table_no = cells.table_no
    where
        (cells.table_no = 9 and cells.column_label not like '%机关运行经费%')
        or (
            cells.table_no <> 9
            and (
                (
                    length(sides.subject) > 0
                    and translate(sides.subject, '0123456789', '') = ''
                    and cells.subject_code like sides.subject || '%'
                )
                or sides.subject in ('合计', '总计')
                or (sides.subject = '收入总计' and cells.section = 'income')
                or (sides.subject = '支出总计' and cells.section = 'expense')
                or (cells.subject_code is null and cells.row_name = sides.subject)
            )
            and (
                sides.is_compared_table
                or sides.column_label is null
                or sides.column_label like '%合计%'
                or sides.column_label like '%小计%'
                or cells.column_label = sides.column_label
            )
        )
),

check_names as (
    select distinct document_sha256, cell_seq, check_name from touching
),

final as (
    select
        ids.document_sha256,
        ids.cell_seq,
        ids.inconsistency_check_ids,
        names.inconsistency_check_names
    from (
        select
            document_sha256,
            cell_seq,
            {{ dbt.listagg('check_result_id', "','", 'order by check_result_id') }} as inconsistency_check_ids
        from touching
        group by document_sha256, cell_seq
    ) as ids
    inner join (
        select
            document_sha256,
            cell_seq,
            {{ dbt.listagg('check_name', "','", 'order by check_name') }} as inconsistency_check_names
        from check_names
        group by document_sha256, cell_seq
    ) as names
        on names.document_sha256 = ids.document_sha256 and names.cell_seq = ids.cell_seq
)

select * from final
