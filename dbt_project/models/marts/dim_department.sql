-- The organisation dimension: one row per organisation (部门 or 单位), whatever kinds of budget it
-- published (部门预算, 单位预算, or both), keyed by its name without the 上海市 prefix, spaces or
-- full-width brackets (int_documents.department_key), so a renamed file, a second posting or a name
-- printed with or without 上海市 keeps the key. A unit is linked to its 主管部门 (parent_department_key)
-- when one of its documents names it; a 主管部门 that published nothing here is a row too (its
-- attributes null) so the link always resolves. Attributes come from the newest selected document,
-- a 部门预算 before a 单位预算.

with documents as (
    select * from {{ ref('int_documents') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by department_key
            order by is_selected desc, fiscal_year desc, case budget_kind when 'department' then 0 else 1 end,
                document_sha256
        ) as recency_rank
    from documents
),

years as (
    select
        department_key,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        count(distinct disclosure_key) as disclosure_count,
        max(case when budget_kind = 'department' then 1 else 0 end) = 1 as publishes_department_budget,
        max(case when budget_kind = 'unit' then 1 else 0 end) = 1 as publishes_unit_budget
    from documents
    where is_selected
    group by department_key
),

-- the 主管部门 a unit's newest selected document names
parents as (
    select department_key, parent_department_key, parent_department_name
    from (
        select
            *,
            row_number() over (
                partition by department_key order by is_selected desc, fiscal_year desc, document_sha256
            ) as parent_rank
        from documents
        where parent_department_key is not null
    ) as named
    where parent_rank = 1
),

publishers as (
    select
        ranked.department_key,
        coalesce(ranked.department_name, ranked.file_stem) as department_name,
        case
            when ranked.department_name is null then ranked.file_stem
            when ranked.district is not null
                then replace(replace(ranked.department_name, '上海市', ''), ranked.district, '')
            else replace(ranked.department_name, '上海市', '')
        end as short_name,
        ranked.district,
        ranked.town,
        ranked.department_level,
        false as is_named_only
    from ranked
    where ranked.recency_rank = 1
),

-- departments named as a unit's 主管部门 without a document of their own
named_only as (
    select
        parent_department_key as department_key,
        min(parent_department_name) as department_name,
        replace(min(parent_department_name), '上海市', '') as short_name,
        cast(null as {{ dbt.type_string() }}) as district,
        cast(null as {{ dbt.type_string() }}) as town,
        cast(null as {{ dbt.type_string() }}) as department_level,
        true as is_named_only
    from parents
    where parent_department_key not in (select department_key from documents)
    group by parent_department_key
),

organisations as (
    select * from publishers
    union all
    select * from named_only
),

final as (
    select
        -- ids
        organisations.department_key,
        -- names
        organisations.department_name,
        organisations.short_name,
        -- where it sits
        organisations.district,
        organisations.town,
        organisations.department_level,
        -- the kinds of budget it published
        case
            when years.publishes_department_budget and years.publishes_unit_budget then 'department,unit'
            when years.publishes_department_budget then 'department'
            when years.publishes_unit_budget then 'unit'
        end as budget_kinds,
        coalesce(years.publishes_department_budget, false) as publishes_department_budget,
        coalesce(years.publishes_unit_budget, false) as publishes_unit_budget,
        organisations.is_named_only,
        -- 预算主管部门 of a unit, as its document names it
        parents.parent_department_key,
        parents.parent_department_name,
        -- coverage
        years.first_fiscal_year,
        years.last_fiscal_year,
        coalesce(years.disclosure_count, 0) as disclosure_count
    from organisations
    left join years on years.department_key = organisations.department_key
    left join parents on parents.department_key = organisations.department_key
)

select * from final
