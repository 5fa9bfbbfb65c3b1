-- One row per parsed file, with the keys that tie files to departments and disclosures, its status
-- (loaded, or held_back when it fails a blocking check of the per-document gate: stg_held_back), and the
-- choice of one file per disclosure (department × fiscal year × budget kind) among the loaded ones, in
-- this order (a held-back file is never chosen: its disclosure falls back on another file of it, e.g. the
-- text extraction of a held-back PDF, or has no file in the facts):
--   1. a PDF over a text extraction (the published artefact, with page numbers for provenance;
--      text extractions lose 单位 lines and add OCR noise);
--   2. the newer version: a corrected file supersedes the one it replaces. A file's version time
--      is when the scraper first fetched that content (earliest successful fetch of its sha256 in
--      raw_scrape_manifest) when known, else the newest modification time of its raw file(s);
--   3. the sha256, so that the choice never depends on when or in which order files were parsed.
-- The files not chosen stay in the raw folder, the landing tables and dim_document.

with documents as (
    select * from {{ ref('stg_documents') }}
),

raw_files as (
    select document_sha256, max(modified_at) as file_modified_at
    from {{ ref('stg_raw_files') }}
    group by document_sha256
),

fetches as (
    select document_sha256, min(fetched_at) as first_fetched_at
    from {{ ref('stg_scrape_manifest') }}
    where fetch_outcome in ('stored', 'duplicate', 'unchanged', 'not_modified')
    group by document_sha256
),

held_back as (
    select
        document_sha256,
        string_agg(check_name, ', ' order by check_name) as held_back_checks
    from {{ ref('stg_held_back') }}
    group by document_sha256
),

keyed as (
    select
        documents.*,
        case when held_back.document_sha256 is null then 'loaded' else 'held_back' end as status,
        held_back.held_back_checks,
        -- the file name without folder or suffix: the fallback identity when metadata is missing
        regexp_replace(regexp_replace(documents.source_file, '^.*/', ''), '\.[^.]*$', '') as file_stem,
        fetches.first_fetched_at,
        raw_files.file_modified_at,
        coalesce(fetches.first_fetched_at, raw_files.file_modified_at) as version_at
    from documents
    left join raw_files on raw_files.document_sha256 = documents.document_sha256
    left join fetches on fetches.document_sha256 = documents.document_sha256
    left join held_back on held_back.document_sha256 = documents.document_sha256
),

identified as (
    select
        *,
        md5(coalesce(department_name, 'file:' || file_stem)) as department_key,
        case
            when department_name is not null and fiscal_year is not null
                then md5(department_name || '|' || cast(fiscal_year as varchar) || '|' || coalesce(budget_kind, 'department'))
            else md5('file:' || file_stem)
        end as disclosure_key
    from keyed
),

ranked as (
    select
        *,
        row_number() over (
            partition by disclosure_key
            order by
                case status when 'loaded' then 0 else 1 end,
                case file_format when 'pdf' then 0 else 1 end,
                version_at desc nulls last,
                document_sha256
        ) as representation_rank
    from identified
),

final as (
    select
        *,
        representation_rank = 1 and status = 'loaded' as is_selected
    from ranked
)

select * from final
