-- Expense by department × year × functional subject (leaf as printed) × fund scope × expense type.
-- Leaves only: a row whose code has a printed child in the same table is a subtotal and is left to
-- the dimension hierarchy. Default filter: fund_scope = 'all_funds' (table 3); the other scopes
-- (tables 5, 6, 7) are subsets of it and would count the same yuan again.

with selected as (
    select document_sha256, disclosure_key, department_key, fiscal_year
    from {{ ref('int_documents') }}
    where is_selected
),

cells as (
    select cells.*
    from {{ ref('stg_cells') }} as cells
    inner join selected on selected.document_sha256 = cells.document_sha256
    where cells.table_no in (3, 5, 6, 7) and cells.subject_code is not null
),

row_codes as (
    select distinct document_sha256, table_no, subject_code from cells
),

leaves as (
    select parent.*
    from row_codes as parent
    where not exists (
        select 1
        from row_codes as child
        where child.document_sha256 = parent.document_sha256
          and child.table_no = parent.table_no
          and length(child.subject_code) > length(parent.subject_code)
          and left(child.subject_code, length(parent.subject_code)) = parent.subject_code
    )
),

typed as (
    select
        cells.*,
        case
            when cells.column_label like '%基本%' then 'basic'
            when cells.column_label like '%项目%' then 'project'
            when cells.column_label like '%合计%' or cells.column_label like '%小计%' then 'total'
            else 'other'
        end as expense_type
    from cells
    inner join leaves
        on leaves.document_sha256 = cells.document_sha256
        and leaves.table_no = cells.table_no
        and leaves.subject_code = cells.subject_code
),

split_rows as (
    select distinct document_sha256, table_no, subject_code
    from typed
    where expense_type <> 'total'
),

-- a leaf that prints only its total (no 基本/项目 split) keeps the total, typed 'unsplit'
facts as (
    select typed.*
    from typed
    where expense_type <> 'total'
       or not exists (
           select 1 from split_rows
           where split_rows.document_sha256 = typed.document_sha256
             and split_rows.table_no = typed.table_no
             and split_rows.subject_code = typed.subject_code
       )
),

final as (
    select
        -- ids
        md5(facts.document_sha256 || '|' || facts.table_no || '|' || facts.subject_code || '|' || facts.column_label)
            as expense_fact_id,
        selected.department_key,
        selected.disclosure_key,
        selected.fiscal_year,
        facts.subject_code,
        -- classification of the figure
        case facts.table_no
            when 3 then 'all_funds'
            when 5 then 'general_public_budget'
            when 6 then 'government_fund'
            when 7 then 'state_capital'
        end as fund_scope,
        case facts.expense_type when 'total' then 'unsplit' else facts.expense_type end as expense_type,
        facts.column_label,
        -- amounts
        facts.amount_yuan,
        facts.printed_value,
        facts.printed_unit,
        -- provenance
        facts.document_sha256,
        facts.table_no,
        facts.row_name,
        facts.page,
        facts.line
    from facts
    inner join selected on selected.document_sha256 = facts.document_sha256
)

select * from final
