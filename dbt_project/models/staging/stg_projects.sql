with source as (
    select * from {{ source('landing', 'projects') }}
),

final as (
    select
        sha256 as document_sha256,
        cast(project_seq as integer) as project_seq,
        name as project_name,
        {{ cast_yuan('amount_yuan') }} as amount_yuan,
        {{ cast_yuan('total_amount_yuan') }} as total_amount_yuan,
        implementing_unit,
        period,
        cast(page as integer) as page,
        cast(line as integer) as line
    from source
)

select * from final
