-- Economic classification subjects (部门预算经济分类 类/款: 301 工资福利支出, 30101 基本工资) as printed in
-- the selected documents' table 8. Same shape as dim_subject: the most printed name, disagreeing names
-- kept and counted, unprinted 类 of a printed 款 added (is_printed = false).

with cells as (
    select * from {{ ref('int_cells') }}
    where table_no = 8 and subject_code is not null
),

printed_codes as (
    {{ printed_subject_names('cells') }}
),

document_counts as (
    select subject_code, count(distinct document_sha256) as document_count
    from cells
    group by subject_code
),

implied_codes as (
    select distinct substring(subject_code, 1, 3) as subject_code from printed_codes where length(subject_code) > 3
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
        codes.subject_code as economic_subject_code,
        -- names
        codes.subject_name as economic_subject_name,
        codes.name_variant_count,
        codes.name_variant_count > 1 as has_name_conflict,
        codes.name_variants,
        codes.is_printed,
        coalesce(document_counts.document_count, 0) as document_count,
        -- hierarchy
        case length(codes.subject_code) when 3 then '类' when 5 then '款' end as subject_level,
        case when length(codes.subject_code) > 3 then substring(codes.subject_code, 1, 3) end as parent_code,
        substring(codes.subject_code, 1, 3) as class_code,
        class.subject_name as class_name
    from codes
    left join document_counts on document_counts.subject_code = codes.subject_code
    left join codes as class on class.subject_code = substring(codes.subject_code, 1, 3)
)

select * from final
