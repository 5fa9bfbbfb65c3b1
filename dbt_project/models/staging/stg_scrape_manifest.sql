-- Attachment fetches recorded by the scraper. The table is optional: before the first scrape the
-- macro yields an empty relation with the same columns, so everything downstream still builds.

with source as (
    {{ optional_source('scrape', 'raw_scrape_manifest', {
        'event_id': dbt.type_string(),
        'source': dbt.type_string(),
        'kind': dbt.type_string(),
        'outcome': dbt.type_string(),
        'sha256': dbt.type_string(),
        'attachment_url': dbt.type_string(),
        'final_url': dbt.type_string(),
        'detail_url': dbt.type_string(),
        'post_title': dbt.type_string(),
        'fetched_at': dbt.type_string(),
        'stored_path': dbt.type_string(),
        'is_current': dbt.type_boolean(),
    }) }}
),

final as (
    select
        -- ids
        event_id as fetch_event_id,
        sha256 as document_sha256,
        -- where it came from
        source as scrape_source,
        attachment_url as source_url,
        final_url,
        detail_url as post_url,
        post_title,
        stored_path,
        -- when and how
        cast(fetched_at as {{ dbt.type_timestamp() }}) as fetched_at,
        outcome as fetch_outcome,
        is_current
    from source
    where kind = 'attachment' and sha256 is not null
)

select * from final
