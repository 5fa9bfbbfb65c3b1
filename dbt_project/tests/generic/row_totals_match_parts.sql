{#- A row's printed total column (合计) equals the sum of the part columns it prints (基本支出 + 项目支出,
    人员经费 + 公用经费, the income sources, the funds of table 4). Returns the rows that do not, with both
    figures and the difference. A row printing no part is not checked. Meant for int_cells, severity warn. -#}
{% test row_totals_match_parts(model) %}
with totals as (
    select *
    from {{ model }}
    where column_role = 'total'
),

parts as (
    select
        document_sha256,
        table_no,
        coalesce(section, '') as section_key,
        coalesce(subject_code, '') as code_key,
        row_name,
        sum(amount_yuan) as parts_sum_yuan,
        count(*) as part_count
    from {{ model }}
    where column_role = 'part'
    group by document_sha256, table_no, coalesce(section, ''), coalesce(subject_code, ''), row_name
),

final as (
    select
        totals.document_sha256,
        totals.table_no,
        totals.section,
        totals.subject_code,
        totals.row_name,
        totals.column_label,
        totals.page,
        totals.line,
        totals.amount_yuan as printed_amount_yuan,
        parts.parts_sum_yuan,
        parts.part_count,
        parts.parts_sum_yuan - totals.amount_yuan as difference_yuan
    from totals
    inner join parts
        on parts.document_sha256 = totals.document_sha256
        and parts.table_no = totals.table_no
        and parts.section_key = coalesce(totals.section, '')
        and parts.code_key = coalesce(totals.subject_code, '')
        and parts.row_name = totals.row_name
    where parts.parts_sum_yuan <> totals.amount_yuan
)

select * from final
{% endtest %}
