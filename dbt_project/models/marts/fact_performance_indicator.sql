-- Performance targets of the projects (绩效目标表: 一级/二级/三级指标 and 指标值). Grain: one row per
-- indicator of a project of a selected document. No amount: a target is a printed text (≥95%, 3个);
-- the project's money is in fact_project.

with selected as (
    select document_sha256, department_key, fiscal_year, budget_kind, counts_in_totals
    from {{ ref('int_documents') }}
    where is_selected
),

indicators as (
    select indicators.*
    from {{ ref('stg_indicators') }} as indicators
    inner join selected on selected.document_sha256 = indicators.document_sha256
),

final as (
    select
        -- ids
        {{ surrogate_key(['indicators.document_sha256', 'indicators.project_seq', 'indicators.indicator_seq']) }}
            as indicator_fact_id,
        {{ surrogate_key(['indicators.document_sha256', 'indicators.project_seq']) }} as project_key,
        selected.department_key,
        selected.fiscal_year,
        -- kind of budget; false for a 单位预算 inside its department's 部门预算 (see int_documents)
        selected.budget_kind,
        selected.counts_in_totals,
        indicators.indicator_seq,
        -- the indicator
        indicators.indicator_level1,
        indicators.indicator_level2,
        indicators.indicator_level3,
        indicators.target_value,
        -- provenance
        indicators.document_sha256,
        indicators.page,
        indicators.line
    from indicators
    inner join selected on selected.document_sha256 = indicators.document_sha256
)

select * from final
