with source as (
    select * from {{ source('landing', 'quarantine') }}
),

final as (
    select
        sha256 as document_sha256,
        source_file,
        reason,
        message,
        parser_version,
        seen_at
    from source
)

select * from final
