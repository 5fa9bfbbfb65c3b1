-- Functional classification subjects (支出功能分类 类/款/项) as printed in the selected documents' tables
-- 1–7. A code's name is the one most documents print; disagreeing names are kept in name_variants and
-- counted (has_name_conflict), not hidden. A 类 or 款 that no document prints but whose children are
-- printed is added (is_printed = false) so every rollup has a parent row.

with cells as (
    select * from {{ ref('int_cells') }}
    where table_no <= 7 and subject_code is not null
),

printed_codes as (
    {{ printed_subject_names('cells') }}
),

document_counts as (
    select subject_code, count(distinct document_sha256) as document_count
    from cells
    group by subject_code
),

-- ancestors implied by a printed child (a 项 whose 款 is not printed, a 款 whose 类 is not)
implied_codes as (
    select distinct substring(subject_code, 1, 3) as subject_code from printed_codes where length(subject_code) > 3
    union
    select distinct substring(subject_code, 1, 5) from printed_codes where length(subject_code) > 5
),

codes as (
    select subject_code, subject_name, name_variant_count, name_variants, true as is_printed
    from printed_codes
    union all
    select implied_codes.subject_code, null, 0, null, false
    from implied_codes
    where implied_codes.subject_code not in (select subject_code from printed_codes)
),

final as (
    select
        -- ids
        codes.subject_code,
        -- names
        codes.subject_name,
        codes.name_variant_count,
        codes.name_variant_count > 1 as has_name_conflict,
        codes.name_variants,
        codes.is_printed,
        coalesce(document_counts.document_count, 0) as document_count,
        -- hierarchy
        case length(codes.subject_code) when 3 then '类' when 5 then '款' when 7 then '项' end as subject_level,
        case when length(codes.subject_code) > 3
            then substring(codes.subject_code, 1, length(codes.subject_code) - 2)
        end as parent_code,
        substring(codes.subject_code, 1, 3) as class_code,
        class.subject_name as class_name,
        case when length(codes.subject_code) >= 5 then substring(codes.subject_code, 1, 5) end as section_code,
        section.subject_name as section_name
    from codes
    left join document_counts on document_counts.subject_code = codes.subject_code
    left join codes as class on class.subject_code = substring(codes.subject_code, 1, 3)
    left join codes as section
        on length(codes.subject_code) >= 5 and section.subject_code = substring(codes.subject_code, 1, 5)
)

select * from final
