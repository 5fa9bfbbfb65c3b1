with documents as (
    select * from {{ ref('int_documents') }}
    where is_selected and fiscal_year is not null
),

years as (
    select
        fiscal_year,
        count(*) as document_count
    from documents
    group by fiscal_year
),

final as (
    select
        fiscal_year,
        cast(fiscal_year as varchar) || '年' as fiscal_year_label,
        document_count,
        fiscal_year = (select max(fiscal_year) from years) as is_latest
    from years
)

select * from final
