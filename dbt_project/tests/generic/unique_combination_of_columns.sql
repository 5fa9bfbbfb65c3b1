{#- Grain test: no two rows share the given combination of columns (like dbt_utils.unique_combination_of_columns,
    kept local so the project needs no package download). -#}
{% test unique_combination_of_columns(model, columns) %}
select {{ columns | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
