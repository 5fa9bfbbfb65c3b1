-- Documents held back from the marts: one row per document × blocking check it fails (a landing GE
-- suite's or a parse problem), with the failing rows, pages and printed text. Their rows stay in the
-- landing tables and their raw files in place; int_documents gives them status 'held_back'.

with source as (
    select * from {{ source('landing', 'held_back') }}
),

final as (
    select
        -- ids
        sha256 as document_sha256,
        source_file,
        -- why
        check_name,
        suite as check_suite,
        cast(failing_rows as integer) as failing_rows,
        message as reason,
        -- where
        tables as table_list,
        pages as page_list,
        lines as line_list,
        printed as printed_values,
        -- provenance
        parser_version,
        held_at
    from source
)

select * from final
