-- KPI targets from the latest targets file.
with target_rows as (
    {{ latest_file(source('reference', 'targets')) }}
),

final as (
    select
        {{ json_text('metric') }} as metric,
        lower({{ json_text('scope_type') }}) as scope_type,
        {{ json_text('scope_id') }} as scope_id,
        lower({{ json_text('grain') }}) as grain,
        try_cast({{ json_text('target') }} as double) as target,
        lower({{ json_text('direction') }}) as direction,
        try_cast({{ json_text('valid_from') }} as date) as valid_from,
        try_cast({{ json_text('valid_to') }} as date) as valid_to
    from target_rows
)

select * from final
