with documents as (
    select * from {{ ref('int_documents') }}
),

-- the newest selected document of a department speaks for its attributes
latest as (
    select
        *,
        row_number() over (
            partition by department_key
            order by is_selected desc, fiscal_year desc nulls last, document_sha256
        ) as recency_rank
    from documents
),

final as (
    select
        -- ids
        department_key,
        -- names
        coalesce(department_name, file_stem) as department_name,
        case
            when department_name is null then file_stem
            when district is not null
                then regexp_replace(regexp_replace(department_name, '^上海市', ''), '^' || district, '')
            else regexp_replace(department_name, '^上海市', '')
        end as short_name,
        -- where it sits
        district,
        town,
        department_level,
        budget_kind
    from latest
    where recency_rank = 1
)

select * from final
