with source as (
    select * from {{ source('landing', 'documents') }}
),

final as (
    select
        -- ids
        sha256 as document_sha256,
        source_file,
        -- attributes
        format as file_format,
        cast(pages as integer) as page_count,
        nullif(trim(department), '') as department_name,
        district,
        town,
        level as department_level,
        -- a title naming neither 部门预算 nor 单位预算: a 部门预算, the common case
        coalesce(kind, 'department') as budget_kind,
        nullif(trim(parent_department), '') as parent_department_name,
        cast(fiscal_year as integer) as fiscal_year,
        coalesce(reader, case format when 'pdf' then 'text_layer' else 'text_extraction' end) as read_from,
        -- provenance
        parser_version,
        parsed_at
    from source
)

select * from final
