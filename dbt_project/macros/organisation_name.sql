{#- The name an organisation is matched by across documents (its department_key, and a unit's link to
    its 主管部门): spaces (half- and full-width) removed, full-width brackets made half-width, the 上海市
    prefix dropped, so 上海市普陀区司法局, 普陀区司法局 and 上海市 普陀区司法局 are one organisation.
    The parser already cut a unit's 本级 / 机关 suffix off the 主管部门 it names (metadata.py). -#}
{% macro organisation_name(expr) -%}
    case
        when replace(replace({{ expr }}, ' ', ''), '　', '') like '上海市%'
            then substring(replace(replace(replace(replace({{ expr }}, ' ', ''), '　', ''), '（', '('), '）', ')'), 4)
        else replace(replace(replace(replace({{ expr }}, ' ', ''), '　', ''), '（', '('), '）', ')')
    end
{%- endmacro %}
