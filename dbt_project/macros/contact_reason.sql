{#- A ticket's contact reason from its tags: the first tag starting with var contact_reason_tag_prefix, prefix
    removed; `unspecified` when none. -#}
{% macro contact_reason_from_tags(tags) -%}
    coalesce(
        list_transform(
            list_filter({{ tags }}, lambda tag: starts_with(tag, '{{ var("contact_reason_tag_prefix") }}')),
            lambda tag: substr(tag, {{ var("contact_reason_tag_prefix") | length + 1 }})
        )[1],
        'unspecified'
    )
{%- endmacro %}
