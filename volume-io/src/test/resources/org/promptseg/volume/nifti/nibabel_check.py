"""Cross-check of promptseg's NIfTI files with nibabel (used by NibabelCrossCheckTest).

describe FILE...  prints, for each file, what nibabel sees (JSON on stdout) and writes nibabel's scaled voxel
                  values next to it as FILE.f8 (little-endian float64, x fastest = Fortran order).
write DIR         writes files with nibabel (NIfTI-2, big endian, scaled int16, 4D qform-only, a .hdr/.img pair),
                  then describes them the same way.
"""
import json
import sys

import nibabel as nib
import numpy as np


def describe(path):
    img = nib.load(path)
    h = img.header
    # on load nibabel moves the scaling from the header into the array proxy
    slope, inter = float(img.dataobj.slope), float(img.dataobj.inter)
    data = np.asarray(img.get_fdata(dtype=np.float64))
    data.ravel(order="F").astype("<f8").tofile(path + ".f8")
    return {
        "file": path,
        "version": 2 if isinstance(h, nib.Nifti2Header) else 1,
        "shape": [int(s) for s in img.shape],
        "dtype": str(h.get_data_dtype().name),
        "big_endian": h.endianness == ">",
        "affine": img.affine.tolist(),
        "qform_code": int(h["qform_code"]),
        "sform_code": int(h["sform_code"]),
        "qform": h.get_qform().tolist(),
        "sform": h.get_sform().tolist(),
        "slope": slope,
        "inter": inter,
        "axcodes": "".join(nib.aff2axcodes(img.affine)),
    }


def write(outdir):
    rng = np.random.default_rng(5)
    oblique = np.array([[0.9, 0.1, 0.0, -90.0], [-0.1, 0.9, 0.05, 40.0], [0.0, -0.05, 2.5, -120.0], [0, 0, 0, 1]])
    lps = np.array([[-0.7, 0, 0, 150.0], [0, -0.7, 0, 120.0], [0, 0, 3.0, -60.0], [0, 0, 0, 1]])
    files = []

    f = outdir + "/nib2_float32.nii.gz"
    nib.Nifti2Image(rng.normal(0, 100, (7, 6, 5)).astype(np.float32), oblique).to_filename(f)
    files.append(f)

    f = outdir + "/nib_be_int16.nii"
    hdr = nib.Nifti1Header(endianness=">")
    hdr.set_data_dtype(np.int16)
    img = nib.Nifti1Image(rng.integers(-1024, 3000, (8, 7, 6)).astype(">i2"), lps, header=hdr)
    img.to_filename(f)
    files.append(f)

    f = outdir + "/nib_scaled_int16.nii.gz"
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(np.int16)
    img = nib.Nifti1Image(rng.normal(0, 500, (6, 6, 4)), oblique, header=hdr)  # float data: nibabel picks slope/inter
    img.to_filename(f)
    files.append(f)

    f = outdir + "/nib_4d_qform.nii.gz"
    img = nib.Nifti1Image(rng.integers(0, 255, (5, 4, 3, 2)).astype(np.uint8), lps)
    img.set_sform(None, code=0)
    img.set_qform(lps, code=1)
    img.to_filename(f)
    files.append(f)

    f = outdir + "/nib_pair.img"
    img = nib.Nifti1Pair(rng.integers(0, 60000, (4, 5, 6)).astype(np.uint16), lps)
    img.to_filename(f)
    files.append(f)

    f = outdir + "/nib_int8_f64.nii"
    nib.Nifti1Image(rng.integers(-128, 127, (3, 4, 5)).astype(np.int8), oblique).to_filename(f)
    files.append(f)
    f = outdir + "/nib_f64.nii"
    nib.Nifti1Image(rng.normal(0, 1, (3, 4, 5)).astype(np.float64), oblique).to_filename(f)
    files.append(f)
    return [describe(p) for p in files]


if __name__ == "__main__":
    if sys.argv[1] == "describe":
        print(json.dumps([describe(p) for p in sys.argv[2:]]))
    else:
        print(json.dumps(write(sys.argv[2])))
