-- Report: for every pr series, the year whose quarters Q01–Q04 sum highest (Q05 is the
-- annual average); a tie goes to the earliest year. Sums are exact decimals.
with yearly as (
  select series_id, year, sum(value) as total
  from bls_data
  where survey = 'pr' and file = 'pr.data.0.Current' and period in ('Q01', 'Q02', 'Q03', 'Q04')
  group by series_id, year
),
ranked as (
  select series_id, year, total,
    row_number() over (partition by series_id order by total desc nulls last, year asc) as place
  from yearly
)
select series_id, year, total as sum_q01_q04
from ranked
where place = 1
order by series_id
