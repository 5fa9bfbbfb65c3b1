with documents as (
    select * from {{ ref('int_documents') }}
),

raw_files as (
    select document_sha256, min(raw_path) as raw_path, max(size_bytes) as size_bytes
    from {{ ref('stg_raw_files') }}
    group by document_sha256
),

final as (
    select
        -- ids
        documents.document_sha256,
        documents.disclosure_key,
        documents.department_key,
        -- file
        documents.source_file,
        raw_files.size_bytes,
        documents.file_format,
        documents.page_count,
        -- what it discloses
        documents.department_name,
        documents.fiscal_year,
        documents.budget_kind,
        -- representation
        documents.is_selected,
        documents.representation_rank,
        -- provenance
        documents.parser_version,
        documents.parsed_at
    from documents
    left join raw_files on raw_files.document_sha256 = documents.document_sha256
)

select * from final
