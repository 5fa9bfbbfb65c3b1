-- One row per parsed file, with the keys that tie files to departments and disclosures, its status
-- (loaded, or held_back when it fails a blocking check of the per-document gate: stg_held_back), and the
-- choice of one file per disclosure (department × fiscal year × budget kind) among the loaded ones (a
-- held-back file is never chosen: its disclosure falls back on another file of it, e.g. the spreadsheet
-- of a held-back PDF, or has no file in the facts), in this order:
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
--
-- Organisations and budget kinds (DOMAIN.md, "Budget kinds"): department_key is the organisation (its
-- name without the 上海市 prefix, spaces or full-width brackets: macro organisation_name), whatever kind
-- of budget it published; a unit budget names its 预算主管部门 (parent_department_key) when it prints it.
-- Counting rule (count_status, counts_in_totals): a 部门预算 consolidates its units, so
--   department_budget               a selected 部门预算: counts;
--   unit_in_department_budget       a selected 单位预算 whose department (its 主管部门, or the organisation
--                                   itself when none is printed: a department's own 本级 unit budget) has a
--                                   selected 部门预算 for the same year: its figures are inside that
--                                   budget; it does not count, and stays for drill-down;
--   unit_without_department_budget  a selected 单位预算 whose department's 部门预算 for the year is absent:
--                                   counts (the only source of those yuan);
--   not_selected                    a file not chosen to represent its disclosure (or held back): never
--                                   counts. A held-back 部门预算 is absent: its selected units count.
-- A document whose title names neither kind is taken as a 部门预算, the common case (stg_documents).

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
        md5(coalesce({{ organisation_name('department_name') }}, 'file:' || file_stem)) as department_key,
        md5({{ organisation_name('parent_department_name') }}) as parent_department_key,
        case
            when department_name is not null and fiscal_year is not null
                then md5(
                    {{ organisation_name('department_name') }} || '|' || cast(fiscal_year as varchar) || '|'
                    || coalesce(budget_kind, 'department')
                )
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

represented as (
    select
        *,
        representation_rank = 1 and status = 'loaded' as is_selected,
        -- the department whose 部门预算 would hold this document's figures
        case when budget_kind = 'unit' then coalesce(parent_department_key, department_key) else department_key end
            as home_department_key
    from ranked
),

department_budgets as (
    select distinct department_key, fiscal_year
    from represented
    where is_selected and budget_kind = 'department'
),

counted as (
    select
        represented.*,
        case
            when not represented.is_selected then 'not_selected'
            when represented.budget_kind = 'department' then 'department_budget'
            when department_budgets.department_key is not null then 'unit_in_department_budget'
            else 'unit_without_department_budget'
        end as count_status
    from represented
    left join department_budgets
        on department_budgets.department_key = represented.home_department_key
        and department_budgets.fiscal_year = represented.fiscal_year
),

final as (
    select
        *,
        count_status in ('department_budget', 'unit_without_department_budget') as counts_in_totals
    from counted
)

select * from final
