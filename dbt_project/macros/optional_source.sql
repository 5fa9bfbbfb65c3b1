{#- A source that may not exist yet (e.g. raw_scrape_manifest before the first scrape): the relation when
    the warehouse has it, else an empty select with the same columns, so models build either way.
    `columns` maps column name -> SQL type. source() is still called, so the lineage shows the source. -#}
{% macro optional_source(source_name, table_name, columns) -%}
    {%- set declared = source(source_name, table_name) -%}
    {%- set relation = none -%}
    {%- if execute -%}
        {%- set relation = adapter.get_relation(
            database=declared.database, schema=declared.schema, identifier=declared.identifier) -%}
    {%- endif -%}
    {%- if relation is not none -%}
        select
        {%- for name, type in columns.items() %}
            cast({{ name }} as {{ type }}) as {{ name }},
        {%- endfor %}
            true as is_source_present
        from {{ relation }}
    {%- else -%}
        select
        {%- for name, type in columns.items() %}
            cast(null as {{ type }}) as {{ name }},
        {%- endfor %}
            false as is_source_present
        where 1 = 0
    {%- endif -%}
{%- endmacro %}
