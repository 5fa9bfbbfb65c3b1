{#- Small cross-adapter helpers, so the marts carry no DuckDB-only function. -#}

{#- Surrogate key: hash (md5) of the parts joined by '|', a null part as ''. -#}
{% macro surrogate_key(parts) -%}
    {%- set fields = [] -%}
    {%- for part in parts -%}
        {%- do fields.append("coalesce(cast(" ~ part ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last -%}{%- do fields.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}

{#- Change in percent of `base`, two decimals; null when the base is null or zero (no ratio to a blank). -#}
{% macro percent_change(current, base) -%}
    cast(round(cast(({{ current }}) - ({{ base }}) as decimal(18, 2)) * 100.0 / nullif({{ base }}, 0), 2)
        as decimal(12, 2))
{%- endmacro %}
