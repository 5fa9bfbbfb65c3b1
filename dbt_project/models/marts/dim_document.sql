-- One row per parsed file: format, size, pages, sha256, what it discloses (organisation, year, budget kind
-- and a unit's 主管部门), whether its figures count in totals, whether it is the file selected
-- to represent its disclosure, and — when the scraper fetched it — where and when from (the latest
-- successful fetch of that sha256 in raw_scrape_manifest; the table is optional, see stg_scrape_manifest).

with documents as (
    select * from {{ ref('int_documents') }}
),

raw_files as (
    select document_sha256, min(raw_path) as raw_path, max(size_bytes) as size_bytes
    from {{ ref('stg_raw_files') }}
    group by document_sha256
),

fetches as (
    select
        *,
        row_number() over (
            partition by document_sha256
            order by case when is_current then 0 else 1 end, fetched_at desc, fetch_event_id desc
        ) as fetch_rank,
        count(*) over (partition by document_sha256) as fetch_count
    from {{ ref('stg_scrape_manifest') }}
),

latest_fetch as (
    select * from fetches where fetch_rank = 1
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
        documents.read_from,
        documents.page_count,
        -- what it discloses
        documents.department_name,
        documents.fiscal_year,
        documents.budget_kind,
        -- status: loaded, or held_back (a blocking check fails: stg_held_back has the reasons)
        documents.status,
        documents.held_back_checks,
        documents.parent_department_name,
        documents.parent_department_key,
        documents.home_department_key,
        -- the counting rule (int_documents): whether its figures count in totals, and why
        documents.count_status,
        documents.counts_in_totals,
        -- representation
        documents.is_selected,
        documents.representation_rank,
        documents.version_at,
        -- where it came from
        case when latest_fetch.document_sha256 is null then 'local_file' else 'scraped' end as origin,
        latest_fetch.scrape_source,
        latest_fetch.source_url,
        latest_fetch.final_url,
        latest_fetch.post_url,
        latest_fetch.post_title,
        latest_fetch.fetched_at,
        coalesce(latest_fetch.fetch_count, 0) as fetch_count,
        -- provenance
        documents.parser_version,
        documents.parsed_at
    from documents
    left join raw_files on raw_files.document_sha256 = documents.document_sha256
    left join latest_fetch on latest_fetch.document_sha256 = documents.document_sha256
)

select * from final
