-- Every metric of the registry (var metric_registry) as observations: one row per qualifying source row, with
-- its event time, agent, team (the source's attributed team, else the agent's team at the event time) and the
-- numerator, denominator and value it contributes. kpi_metrics aggregates these for every grain and scope.
{% set metrics = var('metric_registry') %}

with observations as (
    {% for metric in metrics %}
    select
        '{{ metric.name }}' as metric,
        {{ metric.event_time }} as event_at,
        {{ metric.get('agent', 'agent_id') }} as agent_id,
        {{ metric.get('team') or 'null::varchar' }} as attributed_team_id,
        {{ 'true' if metric.get('team') else 'false' }} as has_attributed_team,
        ({{ render_metric_sql(metric.get('numerator')) }})::double as numerator,
        ({{ render_metric_sql(metric.get('denominator')) }})::double as denominator,
        ({{ render_metric_sql(metric.get('value')) }})::double as value
    from {{ ref(metric.source) }}
    where {{ render_metric_sql(metric.get('filter', 'true')) }}
        and {{ metric.event_time }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        observations.metric,
        observations.event_at,
        observations.agent_id,
        case when observations.has_attributed_team
            then observations.attributed_team_id
            else membership.team_id
        end as team_id,
        observations.numerator,
        observations.denominator,
        observations.value
    from observations
    {{ join_team_membership('observations.agent_id', 'observations.event_at') }}
)

select * from final
