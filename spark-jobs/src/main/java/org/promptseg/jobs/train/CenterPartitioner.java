package org.promptseg.jobs.train;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.storage.StorageLevel;
import org.promptseg.volume.preprocess.Patch;
import scala.Tuple2;

/**
 * Puts each center's patches on its own {@code perCenter} partitions (DESIGN §11: repartition patches by
 * center before training), a patch's bucket fixed by a hash of (case, index) so that partition contents
 * do not depend on how the input was split.
 */
public final class CenterPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final Map<String, Integer> firstPartition;
    private final int perCenter;

    CenterPartitioner(List<String> centers, int perCenter) {
        this.perCenter = perCenter;
        this.firstPartition = new TreeMap<>();
        for (int i = 0; i < centers.size(); i++) {
            firstPartition.put(centers.get(i), i * perCenter);
        }
    }

    @Override
    public int numPartitions() {
        return firstPartition.size() * perCenter;
    }

    /** Keys are "center\u0000bucket". */
    @Override
    public int getPartition(Object key) {
        String k = (String) key;
        int sep = k.indexOf('\u0000');
        Integer first = firstPartition.get(k.substring(0, sep));
        if (first == null) {
            throw new IllegalArgumentException("no partitions for center " + k.substring(0, sep));
        }
        return first + Integer.parseInt(k.substring(sep + 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CenterPartitioner p && p.firstPartition.equals(firstPartition) && p.perCenter == perCenter;
    }

    @Override
    public int hashCode() {
        return firstPartition.hashCode() * 31 + perCenter;
    }

    /** Which of its center's {@code perCenter} partitions a patch goes to: a function of (case, patch index) only. */
    public static int bucket(Patch patch, int perCenter) {
        return Math.floorMod((patch.caseId() + "#" + patch.index()).hashCode(), perCenter);
    }

    /** The patches keyed by center, each center on its own partitions, persisted (every round reads them). */
    public static JavaPairRDD<String, Patch> partition(JavaPairRDD<String, Patch> patches, List<String> centers, int perCenter) {
        int k = Math.max(1, perCenter);
        return patches
                .mapToPair(t -> new Tuple2<>(t._1() + '\u0000' + bucket(t._2(), k), t._2()))
                .partitionBy(new CenterPartitioner(centers, k))
                .mapPartitionsToPair(it -> new java.util.Iterator<Tuple2<String, Patch>>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Tuple2<String, Patch> next() {
                        Tuple2<String, Patch> t = it.next();
                        return new Tuple2<>(t._1().substring(0, t._1().indexOf('\u0000')), t._2());
                    }
                }, true)
                .persist(StorageLevel.MEMORY_AND_DISK());
    }
}
