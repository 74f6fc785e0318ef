#version 440
// The tile's rectangle; its texture coordinates are picture pixels (yuvmaterial.h).
layout(location = 0) in vec4 vertexCoord;
layout(location = 1) in vec2 vertexTexCoord;
layout(location = 0) out vec2 pixel;

layout(std140, binding = 0) uniform buf {
    mat4 qt_Matrix;
    vec4 gains;   // yg, ub, ug, vg
    vec4 gainsR;  // vr, bias B, bias G, bias R
    vec4 luma;    // Y plane: width, height in samples; its texture: width, height in texels
    vec4 chroma;  // U and V planes: the same
    float qt_Opacity;
};

out gl_PerVertex { vec4 gl_Position; };

void main() {
    pixel = vertexTexCoord;
    gl_Position = qt_Matrix * vertexCoord;
}
