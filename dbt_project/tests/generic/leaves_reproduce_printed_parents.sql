{#- Every printed parent figure (a 类/款 row over its children, a 合计/总计 row, 财政拨款收入 over its funds)
    equals the sum of the model's leaf facts under it, column by column (a parent's 合计 column against all
    the leaves' columns). Returns the parents that do not, with both figures and the difference: the
    publisher's arithmetic, to be reported (use severity warn), never corrected. -#}
{% test leaves_reproduce_printed_parents(model, table_nos, code_column='subject_code', name_column='row_name',
                                         section_column=none) %}
with parents as (
    select *
    from {{ ref('int_cells') }}
    where table_no in ({{ table_nos | join(', ') }}) and row_role in ('parent', 'total')
),

leaves as (
    select
        document_sha256,
        table_no,
        {{ "coalesce(" ~ section_column ~ ", '')" if section_column else "''" }} as section_key,
        {{ code_column }} as subject_code,
        {{ name_column }} as row_name,
        column_label,
        amount_yuan
    from {{ model }}
),

compared as (
    select
        parents.document_sha256,
        parents.table_no,
        parents.section,
        parents.subject_code,
        parents.row_name,
        parents.column_label,
        parents.page,
        parents.line,
        parents.amount_yuan as printed_amount_yuan,
        (
            select sum(leaves.amount_yuan)
            from leaves
            where leaves.document_sha256 = parents.document_sha256
                and leaves.table_no = parents.table_no
                and leaves.section_key = coalesce(parents.section, '')
                and (
                    parents.column_role = 'total' or leaves.column_label = parents.column_label
                )
                and (
                    parents.row_role = 'total'
                    or (
                        parents.subject_code is not null
                        and length(leaves.subject_code) > length(parents.subject_code)
                        and substring(leaves.subject_code, 1, length(parents.subject_code)) = parents.subject_code
                    )
                    or (
                        parents.subject_code is null
                        and leaves.subject_code is null
                        and leaves.row_name in (
                            {%- for name in var("fiscal_fund_lines") %}'{{ name }}'{{ ", " if not loop.last }}{% endfor -%}
                        )
                    )
                )
        ) as leaf_sum_yuan
    from parents
),

final as (
    select
        *,
        coalesce(leaf_sum_yuan, 0) - printed_amount_yuan as difference_yuan
    from compared
    where coalesce(leaf_sum_yuan, 0) <> printed_amount_yuan
)

select * from final
{% endtest %}
