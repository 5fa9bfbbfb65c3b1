-- One row per parsed file, with the keys that tie files to departments and disclosures, and the
-- choice of one file per disclosure (department × fiscal year × budget kind), in this order:
--   1. what the figures were read from (read_from), most faithful first:
--      text_layer (a PDF's text: the published artefact, page numbers for provenance, 单位 lines printed)
--      > spreadsheet (exact stored values, but shown through number formats, no pages)
--      > word (printed strings, no fixed pages) > html (a page's tables, often re-typed by the portal)
--      > text_extraction (loses 单位 lines, adds extraction noise) > ocr (recognised, not read: last,
--      even though every loaded OCR figure was verified);
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

keyed as (
    select
        documents.*,
        -- the file name without folder or suffix: the fallback identity when metadata is missing
        regexp_replace(regexp_replace(documents.source_file, '^.*/', ''), '\.[^.]*$', '') as file_stem,
        fetches.first_fetched_at,
        raw_files.file_modified_at,
        coalesce(fetches.first_fetched_at, raw_files.file_modified_at) as version_at
    from documents
    left join raw_files on raw_files.document_sha256 = documents.document_sha256
    left join fetches on fetches.document_sha256 = documents.document_sha256
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
                case read_from
                    when 'text_layer' then 0
                    when 'spreadsheet' then 1
                    when 'word' then 2
                    when 'html' then 3
                    when 'text_extraction' then 4
                    when 'ocr' then 5
                    else 6
                end,
                version_at desc nulls last,
                document_sha256
        ) as representation_rank
    from identified
),

final as (
    select
        *,
        representation_rank = 1 as is_selected
    from ranked
)

select * from final
