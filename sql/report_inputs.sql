-- What the reports read: the pr data file's rows (and lines that are no row: a year or a
-- value that does not parse) and how many years the population holds. One scan of the file.
select
  count(case when year is not null and value is not null then 1 end) as bls_rows,
  count(case when year is null or value is null then 1 end) as bls_rejected,
  (select count(*) from population where year is not null) as population_years
from bls_data
where survey = 'pr' and file = 'pr.data.0.Current'
