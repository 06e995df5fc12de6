-- Every observation-based metric of the registry (var metric_registry) as rows: one per qualifying source row,
-- with its event time, the local date that places it in a period, agent, team (the source's attributed team, else
-- the agent's team at the event time) and the numerator, denominator and value it contributes.
{% set metrics = var('metric_registry') | rejectattr('kind', 'equalto', 'precomputed') | list %}

with observations as (
    {% for metric in metrics %}
    select
        '{{ metric.name }}' as metric,
        {{ metric.event_time }} as event_at,
        {% if metric.get('period_date') -%}
        {{ metric.period_date }}
        {%- else -%}
        timezone('{{ var("reporting_timezone") }}', {{ metric.event_time }})::date
        {%- endif %} as period_date,
        {{ metric.get('agent', 'agent_id') }} as agent_id,
        {{ metric.get('team') or 'null::varchar' }} as attributed_team_id,
        {{ 'true' if metric.get('team') else 'false' }} as has_attributed_team,
        ({{ render_metric_sql(metric.get('distinct_key', metric.get('agent', 'agent_id')), metric.name) }})::varchar
            as distinct_actor,
        {#- A qualifying row whose condition is unknown (null) contributes 0, e.g. an unreplied ticket. #}
        {%- for part in ['numerator', 'denominator'] %}
        {% if metric.get(part) -%}
        coalesce(({{ render_metric_sql(metric.get(part), metric.name) }})::double, 0)
        {%- else -%}
        null::double
        {%- endif %} as {{ part }},
        {%- endfor %}
        ({{ render_metric_sql(metric.get('value'), metric.name) }})::double as value
    from {{ ref(metric.source) }}
    where ({{ render_metric_sql(metric.get('filter', 'true'), metric.name) }})
        and {{ metric.event_time }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        observations.metric,
        observations.event_at,
        observations.period_date,
        observations.agent_id,
        case when observations.has_attributed_team
            then observations.attributed_team_id
            else membership.team_id
        end as team_id,
        observations.distinct_actor,
        observations.numerator,
        observations.denominator,
        observations.value
    from observations
    {{ join_team_membership('observations.agent_id', 'observations.event_at') }}
)

select * from final
