-- The results of held-back documents are left out: they were computed on a parse the gate refused,
-- so their "findings" would be ours, not the publisher's (stg_held_back says why each is held back).

with source as (
    select * from {{ source('quality', 'check_results') }}
    where sha256 not in (select document_sha256 from {{ ref('stg_held_back') }})
),

final as (
    select
        -- ids
        sha256 as document_sha256,
        cast(seq as integer) as result_seq,
        -- what was checked
        check_name,
        outcome,
        cast(table_no as integer) as table_no,
        subject,
        column_label,
        -- figures
        {{ cast_yuan('figure_a') }} as figure_a_yuan,
        {{ cast_yuan('figure_b') }} as figure_b_yuan,
        {{ cast_yuan('difference') }} as difference_yuan,
        cast(allowance as decimal(18, 4)) as allowance_yuan,
        cast(terms as integer) as term_count,
        -- provenance
        pages as page_list,
        lines as line_list,
        message,
        checked_at,
        -- added later (null in results written before)
        check_family,
        coalesce(unit, '元') as figure_unit,
        cast(table_no_b as integer) as table_no_b,
        subject_b,
        column_label_b
    from source
)

select * from final
