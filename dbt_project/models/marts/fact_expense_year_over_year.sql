-- The same organisation, budget kind and functional subject side by side across fiscal years: each
-- year's expense (all funds, table 3), the previous year's, the change and the change in percent.
-- Like with like: a 部门预算 is compared with the same department's 部门预算 of the year before, a
-- 单位预算 with the same unit's 单位预算, never one kind with the other (a unit's figures are part of
-- its department's).
-- Grain: organisation (department_key) × budget kind × functional subject (every level: 类, 款, 项,
-- rolled up from the leaves of fact_expense through the code hierarchy) × fiscal year in which the
-- organisation disclosed a budget of that kind.
-- A subject not printed in a year has a null amount (not reported is not zero); change is null then,
-- and comparison_status says why. Default filter: counts_in_totals and one subject_level (amounts of a
-- 类 include its 款).

with leaves as (
    select * from {{ ref('fact_expense') }}
    where fund_scope = 'all_funds'
),

-- each leaf counts towards itself and towards its 类 and 款
rolled as (
    select
        department_key,
        budget_kind,
        fiscal_year,
        substring(subject_code, 1, 3) as subject_code,
        expense_type,
        amount_yuan,
        has_publisher_inconsistency
    from leaves
    union all
    select
        department_key,
        budget_kind,
        fiscal_year,
        substring(subject_code, 1, 5),
        expense_type,
        amount_yuan,
        has_publisher_inconsistency
    from leaves
    where length(subject_code) >= 5
    union all
    select department_key, budget_kind, fiscal_year, subject_code, expense_type, amount_yuan, has_publisher_inconsistency
    from leaves
    where length(subject_code) >= 7
),

amounts as (
    select
        department_key,
        budget_kind,
        fiscal_year,
        subject_code,
        sum(amount_yuan) as amount_yuan,
        sum(case when expense_type = 'basic' then amount_yuan end) as basic_amount_yuan,
        sum(case when expense_type = 'project' then amount_yuan end) as project_amount_yuan,
        max(case when has_publisher_inconsistency then 1 else 0 end) = 1 as has_publisher_inconsistency
    from rolled
    group by department_key, budget_kind, fiscal_year, subject_code
),

disclosures as (
    select department_key, budget_kind, fiscal_year, counts_in_totals
    from {{ ref('int_documents') }}
    where is_selected and fiscal_year is not null
),

subjects as (
    select distinct department_key, budget_kind, subject_code from amounts
),

spine as (
    select
        disclosures.department_key,
        disclosures.budget_kind,
        disclosures.fiscal_year,
        disclosures.counts_in_totals,
        subjects.subject_code
    from disclosures
    inner join subjects
        on subjects.department_key = disclosures.department_key
        and subjects.budget_kind = disclosures.budget_kind
),

compared as (
    select
        spine.department_key,
        spine.budget_kind,
        spine.subject_code,
        spine.fiscal_year,
        spine.counts_in_totals,
        current_year.amount_yuan,
        current_year.basic_amount_yuan,
        current_year.project_amount_yuan,
        previous_year.amount_yuan as previous_amount_yuan,
        coalesce(current_year.has_publisher_inconsistency, false)
            or coalesce(previous_year.has_publisher_inconsistency, false) as has_publisher_inconsistency,
        case
            when previous_disclosure.department_key is null then 'first_year'
            when current_year.amount_yuan is null then 'dropped'
            when previous_year.amount_yuan is null then 'new'
            else 'both_years'
        end as comparison_status
    from spine
    left join amounts as current_year
        on current_year.department_key = spine.department_key
        and current_year.budget_kind = spine.budget_kind
        and current_year.fiscal_year = spine.fiscal_year
        and current_year.subject_code = spine.subject_code
    left join disclosures as previous_disclosure
        on previous_disclosure.department_key = spine.department_key
        and previous_disclosure.budget_kind = spine.budget_kind
        and previous_disclosure.fiscal_year = spine.fiscal_year - 1
    left join amounts as previous_year
        on previous_year.department_key = spine.department_key
        and previous_year.budget_kind = spine.budget_kind
        and previous_year.fiscal_year = spine.fiscal_year - 1
        and previous_year.subject_code = spine.subject_code
),

final as (
    select
        -- ids
        {{ surrogate_key(['department_key', 'budget_kind', 'subject_code', 'fiscal_year']) }} as comparison_id,
        department_key,
        budget_kind,
        subject_code,
        case length(subject_code) when 3 then '类' when 5 then '款' else '项' end as subject_level,
        fiscal_year,
        fiscal_year - 1 as previous_fiscal_year,
        comparison_status,
        -- counting: this year's disclosure counts in totals (see int_documents)
        counts_in_totals,
        -- amounts
        amount_yuan,
        basic_amount_yuan,
        project_amount_yuan,
        previous_amount_yuan,
        amount_yuan - previous_amount_yuan as change_yuan,
        {{ percent_change('amount_yuan', 'previous_amount_yuan') }} as change_pct,
        -- a leaf of either year takes part in an identity its publisher broke
        has_publisher_inconsistency
    from compared
    where amount_yuan is not null or previous_amount_yuan is not null
)

select * from final
