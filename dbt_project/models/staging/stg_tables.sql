with source as (
    select * from {{ source('landing', 'tables') }}
),

final as (
    select
        -- ids
        sha256 as document_sha256,
        cast(table_no as integer) as table_no,
        -- attributes
        title as table_title,
        unit,
        coalesce(unit_inferred, false) as is_unit_inferred,
        unit_evidence,
        coalesce(is_empty, false) as is_empty,
        pages as page_list
    from source
)

select * from final
