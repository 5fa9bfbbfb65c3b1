{#- Amounts are yuan with two decimals, exactly: never float. -#}
{% macro cast_yuan(expr) -%}
    cast({{ expr }} as decimal(18, 2))
{%- endmacro %}
