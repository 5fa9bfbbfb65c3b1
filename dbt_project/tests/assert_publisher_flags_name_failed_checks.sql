-- The publisher flag is set exactly where the facts name failed identities: a fact row is flagged if and
-- only if it lists check ids, and every id it lists is a `fail` of fact_check_result for the same document,
-- on the row's table or on the table a table<a>_equals_table<b> check compares it with. (Which cells take
-- part in a failed check is int_cell_inconsistencies' rule, pinned by its unit test.) Lists the fact rows
-- that break it.
{{ config(severity='error') }}

with facts as (
    select 'fact_expense' as fact, expense_fact_id as fact_id, document_sha256, table_no,
        has_publisher_inconsistency, inconsistency_check_ids
    from {{ ref('fact_expense') }}
    union all
    select 'fact_income', income_fact_id, document_sha256, table_no, has_publisher_inconsistency,
        inconsistency_check_ids
    from {{ ref('fact_income') }}
    union all
    select 'fact_expense_economic', economic_fact_id, document_sha256, table_no, has_publisher_inconsistency,
        inconsistency_check_ids
    from {{ ref('fact_expense_economic') }}
    union all
    select 'fact_budget_summary', summary_fact_id, document_sha256, table_no, has_publisher_inconsistency,
        inconsistency_check_ids
    from {{ ref('fact_budget_summary') }}
    union all
    select 'fact_three_public', three_public_fact_id, document_sha256, table_no, has_publisher_inconsistency,
        inconsistency_check_ids
    from {{ ref('fact_three_public') }}
),

failed as (
    select check_result_id, document_sha256, table_no, check_name
    from {{ ref('fact_check_result') }}
    where outcome = 'fail'
),

listed as (
    select
        facts.*,
        length(facts.inconsistency_check_ids) - length(replace(facts.inconsistency_check_ids, ',', '')) + 1
            as listed_count,
        (
            select count(*)
            from failed
            where failed.document_sha256 = facts.document_sha256
                and (
                    failed.table_no = facts.table_no
                    or failed.check_name like '%\_equals\_table' || cast(facts.table_no as {{ dbt.type_string() }})
                        escape '\'
                )
                and ',' || facts.inconsistency_check_ids || ',' like '%,' || failed.check_result_id || ',%'
        ) as failed_count
    from facts
),

final as (
    select *
    from listed
    where has_publisher_inconsistency is null
        or has_publisher_inconsistency <> (inconsistency_check_ids is not null)
        or (inconsistency_check_ids is not null and listed_count <> failed_count)
)

select * from final
