-- One row per parsed file, with the keys that tie files to departments and disclosures, and the
-- choice of one representation per disclosure: the PDF when there is one (it is the published
-- artefact and carries page numbers for provenance; text extractions lose 单位 lines and add OCR
-- noise), else the text extraction; ties broken by the newest parse, then the sha256.

with documents as (
    select * from {{ ref('stg_documents') }}
),

keyed as (
    select
        *,
        -- the file name without folder or suffix: the fallback identity when metadata is missing
        regexp_replace(regexp_replace(source_file, '^.*/', ''), '\.[^.]*$', '') as file_stem
    from documents
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
            order by case file_format when 'pdf' then 0 else 1 end, parsed_at desc, document_sha256
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
