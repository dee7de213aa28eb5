-- Report: US population 2013–2018, its mean and its sample and population standard deviations.
select
  array_agg(year order by year) as years,
  avg(population) as mean,
  stddev_samp(population) as stddev_sample,
  stddev_pop(population) as stddev_population
from population
where year between 2013 and 2018
