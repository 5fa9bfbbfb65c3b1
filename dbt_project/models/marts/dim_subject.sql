-- Functional classification subjects (支出功能分类 类/款/项) as printed in the functional tables
-- (2, 3, 5, 6, 7). A code's name is the one most documents print; disagreeing names are kept in
-- name_variants and counted, not hidden.

with cells as (
    select * from {{ ref('stg_cells') }}
    where table_no in (2, 3, 5, 6, 7) and subject_code is not null
),

names as (
    select
        subject_code,
        row_name,
        count(distinct document_sha256) as document_count
    from cells
    group by subject_code, row_name
),

ranked as (
    select
        *,
        row_number() over (partition by subject_code order by document_count desc, row_name) as name_rank
    from names
),

codes as (
    select
        subject_code,
        max(case when name_rank = 1 then row_name end) as subject_name,
        count(*) as name_variant_count,
        string_agg(row_name, ' | ' order by name_rank) as name_variants
    from ranked
    group by subject_code
),

final as (
    select
        -- ids
        codes.subject_code,
        -- names
        codes.subject_name,
        codes.name_variant_count,
        codes.name_variants,
        -- hierarchy
        case length(codes.subject_code) when 3 then '类' when 5 then '款' when 7 then '项' end as subject_level,
        case length(codes.subject_code)
            when 3 then null
            else left(codes.subject_code, length(codes.subject_code) - 2)
        end as parent_code,
        left(codes.subject_code, 3) as class_code,
        class.subject_name as class_name,
        case when length(codes.subject_code) >= 5 then left(codes.subject_code, 5) end as section_code,
        section.subject_name as section_name
    from codes
    left join codes as class on class.subject_code = left(codes.subject_code, 3)
    left join codes as section
        on length(codes.subject_code) >= 5 and section.subject_code = left(codes.subject_code, 5)
)

select * from final
