-- Projects with their amounts (七、项目经费情况说明 and 八、绩效目标表). Grain: one row per project of a
-- selected document. Default filter: none, but never add these amounts to fact_expense: a project is a
-- detail of its department's 项目支出, already there.

with selected as (
    select document_sha256, disclosure_key, department_key, fiscal_year, budget_kind, counts_in_totals
    from {{ ref('int_documents') }}
    where is_selected
),

projects as (
    select projects.*
    from {{ ref('stg_projects') }} as projects
    inner join selected on selected.document_sha256 = projects.document_sha256
),

indicator_counts as (
    select document_sha256, project_seq, count(*) as indicator_count
    from {{ ref('stg_indicators') }}
    group by document_sha256, project_seq
),

final as (
    select
        -- ids
        {{ surrogate_key(['projects.document_sha256', 'projects.project_seq']) }} as project_key,
        selected.department_key,
        selected.disclosure_key,
        selected.fiscal_year,
        -- kind of budget; false for a 单位预算 inside its department's 部门预算 (see int_documents)
        selected.budget_kind,
        selected.counts_in_totals,
        projects.project_seq,
        -- the project
        projects.project_name,
        projects.implementing_unit,
        projects.period,
        coalesce(indicator_counts.indicator_count, 0) as indicator_count,
        -- amounts
        projects.amount_yuan,
        projects.total_amount_yuan,
        -- provenance
        projects.document_sha256,
        projects.page,
        projects.line
    from projects
    inner join selected on selected.document_sha256 = projects.document_sha256
    left join indicator_counts
        on indicator_counts.document_sha256 = projects.document_sha256
        and indicator_counts.project_seq = projects.project_seq
)

select * from final
