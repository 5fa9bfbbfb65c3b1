with source as (
    select * from {{ source('landing', 'raw_files') }}
),

final as (
    select
        -- ids
        sha256 as document_sha256,
        path as raw_path,
        -- attributes
        format as file_format,
        size_bytes,
        modified_at,
        seen_at
    from source
)

select * from final
