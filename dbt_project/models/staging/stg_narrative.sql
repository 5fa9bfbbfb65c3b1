with source as (
    select * from {{ source('landing', 'narrative') }}
),

final as (
    select
        sha256 as document_sha256,
        cast(seq as integer) as figure_seq,
        key as figure_key,
        text as phrase,
        {{ cast_yuan('amount_yuan') }} as amount_yuan,
        printed as printed_value,
        unit as printed_unit,
        cast(page as integer) as page,
        cast(line as integer) as line
    from source
)

select * from final
