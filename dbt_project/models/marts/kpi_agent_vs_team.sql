-- Each agent next to their team, per grain, period and metric (agent-scope metrics): the agent's value and n,
-- the team value with and without the agent (leave-one-out), the difference to the leave-one-out value, a 95%
-- interval of the agent value (Wilson for rates, normal for means and NPS), low_sample when n < min_sample, and a
-- signal (above / below / within the interval) only when the sample is large enough. An agent who changed team
-- in a period has one row per team. Counts compare with the team's mean per agent. For coaching, not ranking:
-- the agent's quality metrics (csat_rate, reopen_rate, qa_score_mean) of the period sit beside every row.
{% set z = 1.96 %}

with definitions as (
    select * from {{ ref('metric_definitions') }}
    where list_contains(scopes, 'agent')
),

aggregates as (
    select * from {{ ref('int_metric_period_aggregates') }}
),

agent_in_team as (
    select * from aggregates where scope_type = 'agent_in_team'
),

teams as (
    select * from aggregates where scope_type = 'team'
),

agents_per_team as (
    select period_grain, period_start, metric, within_team_id as team_id, count(*) as agent_count
    from agent_in_team
    group by all
),

observations as (
    -- Per-period observations of the quantile metrics, for their leave-one-out quantiles.
    select
        grains.period_grain,
        date_trunc(grains.period_grain, observations.period_date)::date as period_start,
        observations.metric,
        observations.agent_id,
        observations.team_id,
        observations.value
    from {{ ref('int_metric_observations') }} as observations
    inner join definitions using (metric)
    cross join (select unnest(['day', 'week', 'month']) as period_grain) as grains
    where definitions.kind in ('median', 'p90') and observations.team_id is not null
        and observations.value is not null
),

-- Leave-one-out quantiles without pairing every agent with every observation of the team (quadratic in team
-- size): in the team's sorted values, the j-th value left once the agent's are taken out is the one at rank
-- j + (the agent's values preceded by at most j others); quantile_cont's interpolation between the two values
-- around (n - 1) * q then gives the same result as over the remaining values.
team_observations as (
    select
        *,
        row_number() over (
            partition by period_grain, period_start, metric, team_id order by value
        ) - 1 as value_rank
    from observations
),

team_counts as (
    select period_grain, period_start, metric, team_id, count(*) as team_count
    from observations
    group by all
),

agent_observation_ranks as (
    -- each of the agent's values with the number of the team's other values ranked before it
    select
        period_grain,
        period_start,
        metric,
        team_id,
        agent_id,
        value_rank - (row_number() over (
            partition by period_grain, period_start, metric, team_id, agent_id order by value_rank
        ) - 1) as others_before
    from team_observations
    where agent_id is not null
),

agent_counts as (
    select period_grain, period_start, metric, team_id, agent_id, count(*) as agent_count
    from agent_observation_ranks
    group by all
),

quantile_positions as (
    select
        agent_in_team.period_grain,
        agent_in_team.period_start,
        agent_in_team.metric,
        agent_in_team.scope_id as agent_id,
        agent_in_team.within_team_id as team_id,
        (team_counts.team_count - coalesce(agent_counts.agent_count, 0) - 1)
            * (case definitions.kind when 'median' then 0.5 else 0.9 end)::double as position
    from agent_in_team
    inner join definitions using (metric)
    inner join team_counts
        on team_counts.period_grain = agent_in_team.period_grain
        and team_counts.period_start = agent_in_team.period_start
        and team_counts.metric = agent_in_team.metric
        and team_counts.team_id = agent_in_team.within_team_id
    left join agent_counts
        on agent_counts.period_grain = agent_in_team.period_grain
        and agent_counts.period_start = agent_in_team.period_start
        and agent_counts.metric = agent_in_team.metric
        and agent_counts.team_id = agent_in_team.within_team_id
        and agent_counts.agent_id = agent_in_team.scope_id
    where definitions.kind in ('median', 'p90')
        and team_counts.team_count > coalesce(agent_counts.agent_count, 0)
),

quantile_ranks as (
    select
        quantile_positions.period_grain,
        quantile_positions.period_start,
        quantile_positions.metric,
        quantile_positions.agent_id,
        quantile_positions.team_id,
        quantile_positions.position - floor(quantile_positions.position) as fraction,
        floor(quantile_positions.position)::bigint + count(ranks.others_before) filter (
            where ranks.others_before <= floor(quantile_positions.position)
        ) as lower_rank,
        ceil(quantile_positions.position)::bigint + count(ranks.others_before) filter (
            where ranks.others_before <= ceil(quantile_positions.position)
        ) as upper_rank
    from quantile_positions
    left join agent_observation_ranks as ranks
        on ranks.period_grain = quantile_positions.period_grain
        and ranks.period_start = quantile_positions.period_start
        and ranks.metric = quantile_positions.metric
        and ranks.team_id = quantile_positions.team_id
        and ranks.agent_id = quantile_positions.agent_id
    group by
        quantile_positions.period_grain,
        quantile_positions.period_start,
        quantile_positions.metric,
        quantile_positions.agent_id,
        quantile_positions.team_id,
        quantile_positions.position
),

leave_one_out_quantiles as (
    select
        quantile_ranks.period_grain,
        quantile_ranks.period_start,
        quantile_ranks.metric,
        quantile_ranks.agent_id,
        quantile_ranks.team_id,
        lower_value.value + (upper_value.value - lower_value.value) * quantile_ranks.fraction
            as quantile_without_agent
    from quantile_ranks
    inner join team_observations as lower_value
        on lower_value.period_grain = quantile_ranks.period_grain
        and lower_value.period_start = quantile_ranks.period_start
        and lower_value.metric = quantile_ranks.metric
        and lower_value.team_id = quantile_ranks.team_id
        and lower_value.value_rank = quantile_ranks.lower_rank
    inner join team_observations as upper_value
        on upper_value.period_grain = quantile_ranks.period_grain
        and upper_value.period_start = quantile_ranks.period_start
        and upper_value.metric = quantile_ranks.metric
        and upper_value.team_id = quantile_ranks.team_id
        and upper_value.value_rank = quantile_ranks.upper_rank
),

compared as (
    select
        agent_in_team.period_grain,
        agent_in_team.period_start,
        agent_in_team.scope_id as agent_id,
        agent_in_team.within_team_id as team_id,
        agent_in_team.metric,
        definitions.kind,
        definitions.direction,
        case definitions.kind
            when 'rate' then agent_in_team.numerator_sum / nullif(agent_in_team.denominator_sum, 0)
            when 'score' then 100.0 * agent_in_team.numerator_sum / nullif(agent_in_team.denominator_sum, 0)
            when 'mean' then agent_in_team.value_mean
            when 'median' then agent_in_team.value_median
            when 'p90' then agent_in_team.value_p90
            else agent_in_team.numerator_sum
        end as agent_value,
        case
            when definitions.kind in ('rate', 'score', 'snapshot') then agent_in_team.denominator_sum
            when definitions.kind in ('mean', 'median', 'p90') then agent_in_team.value_count
            else agent_in_team.numerator_sum
        end::bigint as agent_n,
        case definitions.kind
            when 'rate' then teams.numerator_sum / nullif(teams.denominator_sum, 0)
            when 'score' then 100.0 * teams.numerator_sum / nullif(teams.denominator_sum, 0)
            when 'mean' then teams.value_mean
            when 'median' then teams.value_median
            when 'p90' then teams.value_p90
            else teams.numerator_sum / nullif(agents_per_team.agent_count, 0)
        end as team_value,
        case definitions.kind
            when 'rate' then (teams.numerator_sum - agent_in_team.numerator_sum)
                / nullif(teams.denominator_sum - agent_in_team.denominator_sum, 0)
            when 'score' then 100.0 * (teams.numerator_sum - agent_in_team.numerator_sum)
                / nullif(teams.denominator_sum - agent_in_team.denominator_sum, 0)
            when 'mean' then (teams.value_sum - agent_in_team.value_sum)
                / nullif(teams.value_count - agent_in_team.value_count, 0)
            when 'median' then leave_one_out_quantiles.quantile_without_agent
            when 'p90' then leave_one_out_quantiles.quantile_without_agent
            else (teams.numerator_sum - agent_in_team.numerator_sum) / nullif(agents_per_team.agent_count - 1, 0)
        end as team_value_without_agent,
        agent_in_team.numerator_sum,
        agent_in_team.denominator_sum,
        agent_in_team.value_mean,
        agent_in_team.value_stddev,
        agent_in_team.numerator_stddev
    from agent_in_team
    inner join definitions using (metric)
    inner join teams
        on teams.period_grain = agent_in_team.period_grain
        and teams.period_start = agent_in_team.period_start
        and teams.metric = agent_in_team.metric
        and teams.scope_id = agent_in_team.within_team_id
    left join agents_per_team
        on agents_per_team.period_grain = agent_in_team.period_grain
        and agents_per_team.period_start = agent_in_team.period_start
        and agents_per_team.metric = agent_in_team.metric
        and agents_per_team.team_id = agent_in_team.within_team_id
    left join leave_one_out_quantiles
        on leave_one_out_quantiles.period_grain = agent_in_team.period_grain
        and leave_one_out_quantiles.period_start = agent_in_team.period_start
        and leave_one_out_quantiles.metric = agent_in_team.metric
        and leave_one_out_quantiles.agent_id = agent_in_team.scope_id
        and leave_one_out_quantiles.team_id = agent_in_team.within_team_id
),

with_interval as (
    select
        *,
        case
            when kind = 'rate' and agent_n > 0 then
                (agent_value + {{ z }}^2 / (2 * agent_n)
                    - {{ z }} * sqrt(agent_value * (1 - agent_value) / agent_n + {{ z }}^2 / (4 * agent_n^2)))
                / (1 + {{ z }}^2 / agent_n)
            when kind = 'score' and agent_n > 1 then agent_value - {{ z }} * 100 * numerator_stddev / sqrt(agent_n)
            when kind = 'mean' and agent_n > 1 then agent_value - {{ z }} * value_stddev / sqrt(agent_n)
        end as interval_low,
        case
            when kind = 'rate' and agent_n > 0 then
                (agent_value + {{ z }}^2 / (2 * agent_n)
                    + {{ z }} * sqrt(agent_value * (1 - agent_value) / agent_n + {{ z }}^2 / (4 * agent_n^2)))
                / (1 + {{ z }}^2 / agent_n)
            when kind = 'score' and agent_n > 1 then agent_value + {{ z }} * 100 * numerator_stddev / sqrt(agent_n)
            when kind = 'mean' and agent_n > 1 then agent_value + {{ z }} * value_stddev / sqrt(agent_n)
        end as interval_high
    from compared
),

quality as (
    select
        period_grain,
        period_start,
        scope_id as agent_id,
        max(value) filter (where metric = 'csat_rate') as agent_csat_rate,
        max(value) filter (where metric = 'reopen_rate') as agent_reopen_rate,
        max(value) filter (where metric = 'qa_score_mean') as agent_qa_score_mean
    from {{ ref('kpi_metrics') }}
    where scope_type = 'agent' and metric in ('csat_rate', 'reopen_rate', 'qa_score_mean')
    group by all
),

final as (
    select
        with_interval.period_grain,
        with_interval.period_start,
        with_interval.agent_id,
        {{ scope_name('agent', 'with_interval.agent_id') }} as agent_name,
        with_interval.team_id,
        {{ scope_name('team', 'with_interval.team_id') }} as team_name,
        with_interval.metric,
        with_interval.direction,
        with_interval.agent_value,
        with_interval.agent_n,
        with_interval.team_value,
        with_interval.team_value_without_agent,
        with_interval.agent_value - with_interval.team_value_without_agent as difference,
        with_interval.interval_low,
        with_interval.interval_high,
        with_interval.agent_n < {{ var('min_sample') }} as low_sample,
        case
            when with_interval.agent_n < {{ var('min_sample') }} or with_interval.interval_low is null
                or with_interval.team_value_without_agent is null then null
            when with_interval.interval_low > with_interval.team_value_without_agent then 'above'
            when with_interval.interval_high < with_interval.team_value_without_agent then 'below'
            else 'within'
        end as signal,
        quality.agent_csat_rate,
        quality.agent_reopen_rate,
        quality.agent_qa_score_mean
    from with_interval
    left join quality using (period_grain, period_start, agent_id)
    where with_interval.agent_value is not null
)

select * from final
