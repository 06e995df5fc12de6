-- Monthly contact reasons, candidates for FAQ and knowledge-base articles: tickets by contact reason (tag) and
-- calls by queue, with contacts, share of the month's contacts, rank and change vs the previous month.
{% set tz = var("reporting_timezone") %}

with contacts as (
    select
        date_trunc('month', timezone('{{ tz }}', created_at))::date as month_start,
        'ticket' as channel,
        contact_reason
    from {{ ref('fct_tickets') }}
    union all
    select
        date_trunc('month', timezone('{{ tz }}', entered_at))::date,
        'call',
        'queue:' || queue
    from {{ ref('fct_calls') }}
    where outcome <> 'in_progress'
),

monthly as (
    select month_start, channel, contact_reason, count(*) as contacts
    from contacts
    group by all
),

final as (
    select
        monthly.month_start,
        monthly.channel,
        monthly.contact_reason,
        monthly.contacts,
        monthly.contacts / sum(monthly.contacts) over (partition by monthly.month_start) as share,
        rank() over (partition by monthly.month_start order by monthly.contacts desc) as rank,
        previous.contacts as previous_month_contacts,
        monthly.contacts - previous.contacts as change_vs_previous_month
    from monthly
    left join monthly as previous
        on previous.month_start = (monthly.month_start - interval 1 month)::date
        and previous.channel = monthly.channel
        and previous.contact_reason = monthly.contact_reason
)

select * from final
