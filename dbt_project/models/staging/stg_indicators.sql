with source as (
    select * from {{ source('landing', 'indicators') }}
),

final as (
    select
        sha256 as document_sha256,
        cast(project_seq as integer) as project_seq,
        cast(seq as integer) as indicator_seq,
        level1 as indicator_level1,
        level2 as indicator_level2,
        level3 as indicator_level3,
        target as target_value,
        cast(page as integer) as page,
        cast(line as integer) as line
    from source
)

select * from final
